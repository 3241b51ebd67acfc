package io.github.coldstartlab.runtime;

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import java.util.LinkedHashMap;
import java.util.Map;

/** LambdaContextImpl is the Context of one invoke, as AWS's LambdaContext. */
final class LambdaContextImpl implements Context {
    // The environment, read once.
    static final int MEMORY_LIMIT = memory(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
    static final String LOG_GROUP_NAME = System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
    static final String LOG_STREAM_NAME = System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
    static final String FUNCTION_NAME = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
    static final String FUNCTION_VERSION = System.getenv("AWS_LAMBDA_FUNCTION_VERSION");

    private final Invocation inv;
    private final CognitoIdentity identity;
    private final ClientContext clientContext;

    LambdaContextImpl(Invocation inv) {
        this.inv = inv;
        this.identity = inv.cognitoIdentity == null ? null : cognito(inv.cognitoIdentity);
        this.clientContext = inv.clientContext == null ? null : clientContext(inv.clientContext);
    }

    private static int memory(String s) {
        try {
            return s == null ? 128 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 128;
        }
    }

    @Override
    public String getAwsRequestId() {
        return inv.id;
    }

    @Override
    public String getLogGroupName() {
        return LOG_GROUP_NAME;
    }

    @Override
    public String getLogStreamName() {
        return LOG_STREAM_NAME;
    }

    @Override
    public String getFunctionName() {
        return FUNCTION_NAME;
    }

    @Override
    public String getFunctionVersion() {
        return FUNCTION_VERSION;
    }

    @Override
    public String getInvokedFunctionArn() {
        return inv.functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return identity;
    }

    @Override
    public ClientContext getClientContext() {
        return clientContext;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long delta = inv.deadlineMs - System.currentTimeMillis();
        return delta > 0 ? (int) Math.min(delta, Integer.MAX_VALUE) : 0;
    }

    @Override
    public int getMemoryLimitInMB() {
        return MEMORY_LIMIT;
    }

    @Override
    public LambdaLogger getLogger() {
        return LambdaRuntime.getLogger();
    }

    @Override
    public String getTenantId() {
        return inv.tenantId;
    }

    @Override
    public String getXrayTraceId() {
        return inv.traceId;
    }

    private static Map<?, ?> object(String json) {
        try {
            Object o = Json.parse(json);
            return o instanceof Map ? (Map<?, ?>) o : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String str(Map<?, ?> m, String k) {
        Object v = m == null ? null : m.get(k);
        return v == null ? null : v.toString();
    }

    private static Map<String, String> strings(Object o) {
        if (!(o instanceof Map)) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue() == null ? null : e.getValue().toString());
        }
        return out;
    }

    private static CognitoIdentity cognito(String json) {
        Map<?, ?> m = object(json);
        if (m == null) {
            return null;
        }
        return new Identity(str(m, "cognitoIdentityId"), str(m, "cognitoIdentityPoolId"));
    }

    private static ClientContext clientContext(String json) {
        Map<?, ?> m = object(json);
        if (m == null) {
            return null;
        }
        Object c = m.get("client");
        Map<?, ?> cm = c instanceof Map ? (Map<?, ?>) c : null;
        AppClient client = cm == null ? null : new AppClient(str(cm, "installation_id"), str(cm, "app_title"),
                str(cm, "app_version_name"), str(cm, "app_version_code"), str(cm, "app_package_name"));
        return new ClientCtx(client, strings(m.get("custom")), strings(m.get("env")));
    }

    /** Identity is the invoke's Amazon Cognito identity. */
    static final class Identity implements CognitoIdentity {
        private final String id;
        private final String pool;

        Identity(String id, String pool) {
            this.id = id;
            this.pool = pool;
        }

        @Override
        public String getIdentityId() {
            return id;
        }

        @Override
        public String getIdentityPoolId() {
            return pool;
        }
    }

    /** ClientCtx is the mobile client context of the invoke. */
    static final class ClientCtx implements ClientContext {
        private final Client client;
        private final Map<String, String> custom;
        private final Map<String, String> env;

        ClientCtx(Client client, Map<String, String> custom, Map<String, String> env) {
            this.client = client;
            this.custom = custom;
            this.env = env;
        }

        @Override
        public Client getClient() {
            return client;
        }

        @Override
        public Map<String, String> getCustom() {
            return custom;
        }

        @Override
        public Map<String, String> getEnvironment() {
            return env;
        }
    }

    /** AppClient is the client application of a client context. */
    static final class AppClient implements Client {
        private final String installationId;
        private final String title;
        private final String versionName;
        private final String versionCode;
        private final String packageName;

        AppClient(String installationId, String title, String versionName, String versionCode, String packageName) {
            this.installationId = installationId;
            this.title = title;
            this.versionName = versionName;
            this.versionCode = versionCode;
            this.packageName = packageName;
        }

        /** The installation id (AWS's LambdaClientContextClient has this extra getter). */
        public String getInstallationId() {
            return installationId;
        }

        @Override
        public String getAppTitle() {
            return title;
        }

        @Override
        public String getAppVersionName() {
            return versionName;
        }

        @Override
        public String getAppVersionCode() {
            return versionCode;
        }

        @Override
        public String getAppPackageName() {
            return packageName;
        }
    }
}
