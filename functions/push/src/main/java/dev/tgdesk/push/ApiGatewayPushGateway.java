package dev.tgdesk.push;

import dev.tgdesk.observability.Log;
import dev.tgdesk.observability.Priming;
import dev.tgdesk.realtime.PushGateway;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/** {@link PushGateway} on API Gateway's {@code @connections} API: 410 Gone means that connection is gone. */
public final class ApiGatewayPushGateway implements PushGateway {

    private final ApiGatewayManagementApiClient api;

    public ApiGatewayPushGateway(ApiGatewayManagementApiClient api) {
        this.api = api;
    }

    @Override
    public Outcome post(String connectionId, byte[] data) {
        try {
            api.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromByteArray(data)));
            return Outcome.DELIVERED;
        } catch (GoneException gone) {
            return Outcome.GONE;
        } catch (RuntimeException e) {
            // throttled, network, 5xx: this connection misses the frame and catches up by its cursor
            if (!Priming.active()) Log.warn("push to a connection failed", "error", e.getClass().getSimpleName());
            return Outcome.FAILED;
        }
    }

    @Override
    public void disconnect(String connectionId) {
        try {
            api.deleteConnection(b -> b.connectionId(connectionId));
        } catch (GoneException alreadyGone) {
            // fine
        }
    }
}
