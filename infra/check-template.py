"""Offline checks of template.yaml: cfn-lint on the SAM template, then the SAM transform itself
(samtranslator, the library `sam` uses) and cfn-lint again on the transformed CloudFormation."""
import json, os, subprocess, sys, tempfile
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
from samtranslator.translator.transform import transform
from samtranslator.public.translator import ManagedPolicyLoader
from samtranslator.yaml_helper import yaml_parse


class OfflinePolicies(ManagedPolicyLoader):
    """The transform only needs managed-policy ARNs for policy templates we don't use."""
    def __init__(self):
        pass

    def load(self):
        return {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}


def main(path="template.yaml"):
    subprocess.run(["cfn-lint", path], check=True)
    with open(path) as f:
        sam = yaml_parse(f.read())
    # `sam package` replaces local CodeUri paths with S3 locations before the transform runs; do the same.
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts-bucket/function.zip"
    cfn = transform(sam, {"TelegramBotToken": "1:x" * 20, "WebhookSecret": "x" * 16}, OfflinePolicies())
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        json.dump(cfn, out)
    subprocess.run(["cfn-lint", out.name], check=True)
    print(f"template ok: {len(cfn['Resources'])} CloudFormation resources after the SAM transform")


if __name__ == "__main__":
    main(*sys.argv[1:])
