#!/usr/bin/env bash
# Uploads the operators' inbox (web/) to the stack's WebBucket and refreshes CloudFront.
# Usage: infra/deploy-web.sh [stack-name]   (default: tgdesk, as in samconfig.toml). Needs the AWS CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
STACK=${1:-tgdesk}
output() {
  aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
BUCKET=$(output WebBucketName)
DISTRIBUTION=$(output WebDistributionId)
# no-cache: browsers revalidate (cheap 304s), so a new upload is seen at once
aws s3 sync web/ "s3://$BUCKET/" --delete --exclude "*.md" --exclude "dev-server.mjs" --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION" --paths '/*' >/dev/null
echo "inbox: $(output WebUrl)"
