package dev.tgdesk.local;

import dev.tgdesk.aws.AwsClients;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.identity.AccessTokens;
import dev.tgdesk.operator.identity.OperatorAccounts;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * {@code infra/operators.sh}: the first admin of a deployment, and a way back in for a locked-out admin. The
 * password comes from {@code TGDESK_ADMIN_PASSWORD} or the first line of stdin — never from the command line,
 * which other users of the machine and shell histories can see. Uses the AWS SDK's default credentials, region
 * and endpoint ({@code AWS_ENDPOINT_URL} for emulators).
 *
 * <pre>
 * infra/operators.sh create-admin --table &lt;DataTableName&gt; --bot-id &lt;id&gt; --email a@b.c --name Ann
 * infra/operators.sh reset-password --table &lt;DataTableName&gt; --bot-id &lt;id&gt; --email a@b.c
 * </pre>
 */
public final class OperatorCli {

    public static final String PASSWORD_ENV = "TGDESK_ADMIN_PASSWORD";

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.in, System.out, System.err));
    }

    /**
     * For the local runner: creates the first admin when {@code LOCAL_ADMIN_EMAIL} and {@code LOCAL_ADMIN_PASSWORD}
     * are set (name from {@code LOCAL_ADMIN_NAME}, default "Admin"); does nothing when the email exists.
     * @return true when an admin was created
     */
    public static boolean createLocalAdmin(DynamoDbClient dynamo, String table, String botId, Map<String, String> env) {
        String email = env.get("LOCAL_ADMIN_EMAIL");
        String password = env.get("LOCAL_ADMIN_PASSWORD");
        if (email == null || email.isBlank() || password == null || password.isEmpty()) return false;
        String name = env.getOrDefault("LOCAL_ADMIN_NAME", "Admin");
        return accounts(dynamo, table).createAdminIfAbsent(botId, email, name, password);
    }

    static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        String usage = "usage: operators.sh create-admin --table <DataTableName> --bot-id <bot id> --email <email> --name <name>\n"
                + "       operators.sh reset-password --table <DataTableName> --bot-id <bot id> --email <email>\n"
                + "the password is read from " + PASSWORD_ENV + " or the first line of stdin";
        if (args.length < 1) {
            err.println(usage);
            return 2;
        }
        String table = null, botId = null, email = null, name = null;
        for (int i = 1; i < args.length; i++) {
            if (i + 1 >= args.length) {
                err.println(args[i].startsWith("--") ? args[i] + " needs a value" : "unexpected " + args[i] + " (passwords are never taken from the command line)");
                return 2;
            }
            switch (args[i]) {
                case "--table" -> table = args[++i];
                case "--bot-id" -> botId = args[++i];
                case "--email" -> email = args[++i];
                case "--name" -> name = args[++i];
                default -> {
                    err.println("unknown option " + args[i] + "\n" + usage);
                    return 2;
                }
            }
        }
        boolean create = args[0].equals("create-admin");
        if ((!create && !args[0].equals("reset-password")) || table == null || botId == null || email == null || (create && name == null)) {
            err.println(usage);
            return 2;
        }
        String password = password(env, stdin);
        if (password == null) {
            err.println("no password: set " + PASSWORD_ENV + " or pipe it on stdin");
            return 2;
        }
        try (DynamoDbClient dynamo = AwsClients.dynamoDb()) {
            return create ? createAdmin(dynamo, table, botId, email, name, password, out, err)
                    : resetPassword(dynamo, table, botId, email, password, out, err);
        } catch (ApiException e) {
            err.println((e.field() == null ? "" : e.field() + ": ") + e.getMessage());
            return 1;
        }
    }

    static int createAdmin(DynamoDbClient dynamo, String table, String botId, String email, String name, String password,
                           PrintStream out, PrintStream err) {
        if (accounts(dynamo, table).createAdminIfAbsent(botId, email, name, password)) {
            out.println("admin " + email + " created; sign in with this email and password");
            return 0;
        }
        err.println("an operator with the email " + email + " exists; nothing changed (use reset-password to set a new password)");
        return 3;
    }

    static int resetPassword(DynamoDbClient dynamo, String table, String botId, String email, String password,
                             PrintStream out, PrintStream err) {
        OperatorAccounts accounts = accounts(dynamo, table);
        var op = accounts.directory().operatorByEmail(botId, email);
        if (op.isEmpty()) {
            err.println("no operator with the email " + email);
            return 1;
        }
        var admin = new dev.tgdesk.operator.api.Caller(botId, "cli", "cli", "infra/operators.sh",
                dev.tgdesk.operator.api.Caller.Role.ADMIN, java.util.Set.of());
        accounts.updateOperator(admin, op.get().id(), new OperatorAccounts.OperatorChange(null, null, null, null, false, password));
        out.println("password of " + email + " reset (account enabled; earlier sessions signed out)");
        return 0;
    }

    private static OperatorAccounts accounts(DynamoDbClient dynamo, String table) {
        // tokens are not issued here; the accounts object only needs a well-formed signer
        byte[] unused = new byte[AccessTokens.MIN_SECRET_BYTES];
        new java.security.SecureRandom().nextBytes(unused);
        return new OperatorAccounts(new DynamoOperatorDirectory(dynamo, table), new PasswordHasher(),
                new AccessTokens(unused, AccessTokens.DEFAULT_TTL), Clock.systemUTC());
    }

    private static String password(Map<String, String> env, InputStream stdin) {
        String fromEnv = env.get(PASSWORD_ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) return fromEnv;
        try {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            return line == null || line.isEmpty() ? null : line;
        } catch (IOException e) {
            return null;
        }
    }
}
