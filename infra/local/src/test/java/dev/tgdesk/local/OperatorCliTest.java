package dev.tgdesk.local;

import dev.tgdesk.emulators.aws.LocalAws;
import dev.tgdesk.emulators.aws.TemplateResources;
import dev.tgdesk.operator.identity.PasswordHasher;
import dev.tgdesk.storage.DynamoOperatorDirectory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperatorCliTest {

    @Test
    void thePasswordIsNeverAnArgument() {
        var err = new ByteArrayOutputStream();
        int code = OperatorCli.run(new String[] {"create-admin", "--table", "t", "--bot-id", "1", "--email", "a@b.c", "--name", "Ann", "secret-password"},
                Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("never taken from the command line"));
        code = OperatorCli.run(new String[] {"create-admin", "--table", "t", "--bot-id", "1", "--email", "a@b.c", "--name", "Ann"},
                Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, code, "no password given");
    }

    @Test
    void createsTheFirstAdminOnceAndResetsPasswords() {
        LocalAws aws = LocalAws.shared();
        String table = TemplateResources.create(aws, "opcli-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "-").tableName("DataTable");
        try (var dynamo = aws.dynamoDb()) {
            var out = new PrintStream(new ByteArrayOutputStream());
            assertEquals(0, OperatorCli.createAdmin(dynamo, table, "42", "boss@example.org", "Boss", "first-password", out, out));
            assertEquals(3, OperatorCli.createAdmin(dynamo, table, "42", "BOSS@example.org", "Other", "other-password", out, out));
            var directory = new DynamoOperatorDirectory(dynamo, table);
            var hasher = new PasswordHasher();
            var boss = directory.operatorByEmail("42", "boss@example.org").orElseThrow();
            assertEquals("Boss", boss.name());
            assertTrue(boss.caller().isAdmin());
            assertTrue(hasher.verify("first-password", boss.passwordHash()));
            assertEquals(0, OperatorCli.resetPassword(dynamo, table, "42", "boss@example.org", "second-password", out, out));
            var reset = directory.operatorByEmail("42", "boss@example.org").orElseThrow();
            assertTrue(hasher.verify("second-password", reset.passwordHash()));
            assertFalse(hasher.verify("first-password", reset.passwordHash()));
            assertEquals(boss.tokenVersion() + 1, reset.tokenVersion());
            assertEquals(1, OperatorCli.resetPassword(dynamo, table, "42", "nobody@example.org", "second-password", out, out));

            assertFalse(OperatorCli.createLocalAdmin(dynamo, table, "42", Map.of()), "not configured: nothing");
            assertTrue(OperatorCli.createLocalAdmin(dynamo, table, "42", Map.of("LOCAL_ADMIN_EMAIL", "local@example.org", "LOCAL_ADMIN_PASSWORD", "local-password")));
            assertFalse(OperatorCli.createLocalAdmin(dynamo, table, "42", Map.of("LOCAL_ADMIN_EMAIL", "local@example.org", "LOCAL_ADMIN_PASSWORD", "local-password")));
        }
    }
}
