package dev.tgdesk.storage;

import dev.tgdesk.outbound.FileStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@link FileStore} on one S3 bucket (env {@code FILES_BUCKET}): one PutObject per upload with SSE-S3, one GetObject
 * per read. IAM: {@code s3:PutObject} for the operator API, {@code s3:GetObject} for it and the sender.
 */
public final class S3FileStore implements FileStore {

    public static final String BUCKET_ENV = "FILES_BUCKET";

    private final S3Client s3;
    private final String bucket;

    public S3FileStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * S3 as a function builds it: path-style addressing when an endpoint override is set (emulators serve buckets
     * under the path), virtual-hosted style on AWS. Kept here, not in AwsClients, so functions without files
     * never load S3 classes (the S3 SDK is an optional dependency of shared).
     */
    public static S3Client defaultClient() {
        boolean emulated = System.getenv("AWS_ENDPOINT_URL_S3") != null || System.getenv("AWS_ENDPOINT_URL") != null;
        return S3Client.builder().httpClient(dev.tgdesk.aws.AwsClients.httpClient()).forcePathStyle(emulated).build();
    }

    @Override
    public void put(String key, String contentType, byte[] content) {
        s3.putObject(p -> p.bucket(bucket).key(key).contentType(contentType)
                .serverSideEncryption(ServerSideEncryption.AES256), RequestBody.fromBytes(content));
    }

    @Override
    public byte[] get(String key) {
        try {
            return s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        }
    }
}
