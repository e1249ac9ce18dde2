package dev.tgdesk.storage;

import dev.tgdesk.domain.DialogKind;
import dev.tgdesk.operator.ContactFieldDefinition;
import dev.tgdesk.operator.api.ApiException;
import dev.tgdesk.operator.api.Caller;
import dev.tgdesk.operator.identity.Operator;
import dev.tgdesk.operator.identity.OperatorDirectory;
import dev.tgdesk.operator.identity.Team;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import static dev.tgdesk.storage.Attrs.key;
import static dev.tgdesk.storage.Attrs.s;
import static dev.tgdesk.storage.Attrs.n;

/**
 * Operators, teams and contact field definitions on the single table:
 *
 * <pre>
 * pk                           sk             item
 * B#{bot}#OP#{operatorId}      OPERATOR       email, emailKey, name, role, teamIds (SS), disabled, passwordHash,
 *                                             tokenVersion, createdAt, updatedAt, version; gsi1pk = B#{bot}#OPS
 * B#{bot}#EMAIL#{email lower}  EMAIL          operatorId: the email's uniqueness claim
 * B#{bot}#TEAM#{teamId}        TEAM           name, memberIds (SS), createdAt, updatedAt, version; gsi1pk = B#{bot}#TEAMS
 * B#{bot}#FIELDS               FIELD#{name}   label, type, options (L)
 * </pre>
 *
 * Lists are Queries: operators and teams through index ByStatus (their own {@code gsi1pk} partitions, so they
 * never mix with dialogs; eventually consistent, like every GSI), fields as one partition.
 *
 * <p>Consistency of team membership (operator.teamIds ⇔ team.memberIds): every change writes both sides in one
 * transaction. The side being edited is written whole, conditional on its {@code version}; the other side gets a
 * single-element ADD/DELETE plus a version bump (so a concurrent whole write of that item fails and is redone).
 */
public final class DynamoOperatorDirectory implements OperatorDirectory {

    static final String OPERATOR_SK = "OPERATOR";
    static final String EMAIL_SK = "EMAIL";
    static final String TEAM_SK = "TEAM";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoOperatorDirectory(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String operatorPk(String botId, String operatorId) {
        return "B#" + botId + "#OP#" + operatorId;
    }

    static String emailPk(String botId, String emailKey) {
        return "B#" + botId + "#EMAIL#" + emailKey;
    }

    static String teamPk(String botId, String teamId) {
        return "B#" + botId + "#TEAM#" + teamId;
    }

    static String operatorsPartition(String botId) {
        return "B#" + botId + "#OPS";
    }

    static String teamsPartition(String botId) {
        return "B#" + botId + "#TEAMS";
    }

    static String fieldsPk(String botId) {
        return "B#" + botId + "#FIELDS";
    }

    // ---- operators ----

    @Override
    public Optional<Operator> operator(String botId, String operatorId) {
        var item = dynamo.getItem(b -> b.tableName(table).key(key(operatorPk(botId, operatorId), OPERATOR_SK)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(operator(botId, item));
    }

    @Override
    public Optional<Operator> operatorByEmail(String botId, String email) {
        var claim = dynamo.getItem(b -> b.tableName(table).key(key(emailPk(botId, Operator.emailKey(email)), EMAIL_SK))
                .consistentRead(true)).item();
        if (claim == null || !claim.containsKey("operatorId")) return Optional.empty();
        return operator(botId, claim.get("operatorId").s());
    }

    @Override
    public List<Operator> operators(String botId) {
        return query(operatorsPartition(botId)).stream().map(item -> operator(botId, item)).toList();
    }

    @Override
    public void createOperator(Operator op) {
        List<TransactWriteItem> items = new ArrayList<>();
        Map<String, AttributeValue> item = new HashMap<>(key(operatorPk(op.botId(), op.id()), OPERATOR_SK));
        item.putAll(operatorAttributes(op));
        item.put("operatorId", s(op.id()));
        item.put("createdAt", n(op.createdAt()));
        item.put("version", n(1));
        items.add(put(item, "attribute_not_exists(pk)"));
        items.add(put(emailClaim(op), "attribute_not_exists(pk)"));
        for (String team : op.teamIds()) items.add(member(op.botId(), team, "ADD", op.id(), op.createdAt()));
        transact(items, failed -> {
            if (failed == 1) return ApiException.conflict("an operator with this email exists");
            if (failed >= 2) return ApiException.badRequest("teams", "unknown team");
            return new Stale();
        });
    }

    @Override
    public void updateOperator(Operator before, Operator after) {
        long now = System.currentTimeMillis();
        List<TransactWriteItem> items = new ArrayList<>();
        Expr e = new Expr();
        operatorAttributes(after).forEach(e::set);
        if (after.teamIds().isEmpty()) e.remove("teamIds");
        e.set("updatedAt", n(now));
        e.raw("#version = #version + :one");
        e.value(":one", n(1));
        e.value(":expected", n(before.version()));
        items.add(TransactWriteItem.builder().update(e.update(table, key(operatorPk(before.botId(), before.id()), OPERATOR_SK),
                "#version = :expected", "#version", "version")).build());
        int emailAt = -1;
        if (!before.emailKey().equals(after.emailKey())) {
            items.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                    .key(key(emailPk(before.botId(), before.emailKey()), EMAIL_SK))
                    .conditionExpression("operatorId = :id").expressionAttributeValues(Map.of(":id", s(before.id()))).build()).build());
            emailAt = items.size();
            items.add(put(emailClaim(after), "attribute_not_exists(pk)"));
        }
        int teamsFrom = items.size();
        Set<String> added = new HashSet<>(after.teamIds());
        added.removeAll(before.teamIds());
        Set<String> removed = new HashSet<>(before.teamIds());
        removed.removeAll(after.teamIds());
        for (String team : added) items.add(member(before.botId(), team, "ADD", before.id(), now));
        int addedTo = items.size();
        for (String team : removed) items.add(member(before.botId(), team, "DELETE", before.id(), now));
        int emailIndex = emailAt;
        transact(items, failed -> {
            if (failed == emailIndex) return ApiException.conflict("an operator with this email exists");
            if (failed >= teamsFrom && failed < addedTo) return ApiException.badRequest("teams", "unknown team");
            return new Stale();
        });
    }

    private Map<String, AttributeValue> operatorAttributes(Operator op) {
        Map<String, AttributeValue> a = new HashMap<>();
        a.put("botId", s(op.botId()));
        a.put("email", s(op.email()));
        a.put("emailKey", s(op.emailKey()));
        a.put("name", s(op.name()));
        a.put("role", s(op.role().name().toLowerCase(Locale.ROOT)));
        if (!op.teamIds().isEmpty()) a.put("teamIds", AttributeValue.fromSs(List.copyOf(op.teamIds())));
        a.put("disabled", AttributeValue.fromBool(op.disabled()));
        a.put("passwordHash", s(op.passwordHash()));
        a.put("tokenVersion", n(op.tokenVersion()));
        a.put("gsi1pk", s(operatorsPartition(op.botId())));
        a.put("gsi1sk", s(op.emailKey() + "#" + op.id()));
        return a;
    }

    private Map<String, AttributeValue> emailClaim(Operator op) {
        Map<String, AttributeValue> claim = new HashMap<>(key(emailPk(op.botId(), op.emailKey()), EMAIL_SK));
        claim.put("operatorId", s(op.id()));
        return claim;
    }

    static Operator operator(String botId, Map<String, AttributeValue> item) {
        return new Operator(botId, item.get("operatorId").s(), item.get("email").s(), item.get("name").s(),
                "admin".equals(item.get("role").s()) ? Caller.Role.ADMIN : Caller.Role.AGENT,
                item.containsKey("teamIds") ? Set.copyOf(item.get("teamIds").ss()) : Set.of(),
                item.containsKey("disabled") && Boolean.TRUE.equals(item.get("disabled").bool()),
                item.get("passwordHash").s(), num(item, "tokenVersion"), num(item, "createdAt"), num(item, "version"));
    }

    // ---- teams ----

    @Override
    public Optional<Team> team(String botId, String teamId) {
        var item = dynamo.getItem(b -> b.tableName(table).key(key(teamPk(botId, teamId), TEAM_SK)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(team(botId, item));
    }

    @Override
    public List<Team> teams(String botId) {
        return query(teamsPartition(botId)).stream().map(item -> team(botId, item)).toList();
    }

    @Override
    public void createTeam(Team team) {
        List<TransactWriteItem> items = new ArrayList<>();
        Map<String, AttributeValue> item = new HashMap<>(key(teamPk(team.botId(), team.id()), TEAM_SK));
        item.putAll(teamAttributes(team));
        item.put("teamId", s(team.id()));
        item.put("createdAt", n(team.createdAt()));
        item.put("version", n(1));
        items.add(put(item, "attribute_not_exists(pk)"));
        for (String op : team.memberIds()) items.add(teamOf(team.botId(), op, "ADD", team.id(), team.createdAt()));
        transact(items, failed -> failed >= 1 ? ApiException.badRequest("members", "unknown operator") : new Stale());
    }

    @Override
    public void updateTeam(Team before, Team after) {
        long now = System.currentTimeMillis();
        List<TransactWriteItem> items = new ArrayList<>();
        Expr e = new Expr();
        teamAttributes(after).forEach(e::set);
        if (after.memberIds().isEmpty()) e.remove("memberIds");
        e.set("updatedAt", n(now));
        e.raw("#version = #version + :one");
        e.value(":one", n(1));
        e.value(":expected", n(before.version()));
        items.add(TransactWriteItem.builder().update(e.update(table, key(teamPk(before.botId(), before.id()), TEAM_SK),
                "#version = :expected", "#version", "version")).build());
        Set<String> added = new HashSet<>(after.memberIds());
        added.removeAll(before.memberIds());
        Set<String> removed = new HashSet<>(before.memberIds());
        removed.removeAll(after.memberIds());
        for (String op : added) items.add(teamOf(before.botId(), op, "ADD", before.id(), now));
        int addedTo = items.size();
        for (String op : removed) items.add(teamOf(before.botId(), op, "DELETE", before.id(), now));
        transact(items, failed -> failed >= 1 && failed < addedTo ? ApiException.badRequest("members", "unknown operator") : new Stale());
    }

    @Override
    public void deleteTeam(Team team) {
        long now = System.currentTimeMillis();
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(teamPk(team.botId(), team.id()), TEAM_SK))
                .conditionExpression("#version = :expected").expressionAttributeNames(Map.of("#version", "version"))
                .expressionAttributeValues(Map.of(":expected", n(team.version()))).build()).build());
        for (String op : team.memberIds()) items.add(teamOf(team.botId(), op, "DELETE", team.id(), now));
        transact(items, failed -> new Stale());
    }

    @Override
    public boolean teamHasOpenDialogs(String botId, String teamId) {
        for (DialogKind kind : DialogKind.values()) {
            var response = dynamo.query(b -> b.tableName(table).indexName(Keys.BY_TEAM_INDEX)
                    .keyConditionExpression("gsi2pk = :p")
                    .expressionAttributeValues(Map.of(":p", s(Keys.teamPartition(botId, teamId, kind.key(), "open"))))
                    .limit(1));
            if (response.count() > 0) return true;
        }
        return false;
    }

    private Map<String, AttributeValue> teamAttributes(Team team) {
        Map<String, AttributeValue> a = new HashMap<>();
        a.put("botId", s(team.botId()));
        a.put("name", s(team.name()));
        if (!team.memberIds().isEmpty()) a.put("memberIds", AttributeValue.fromSs(List.copyOf(team.memberIds())));
        a.put("gsi1pk", s(teamsPartition(team.botId())));
        a.put("gsi1sk", s(team.name().toLowerCase(Locale.ROOT) + "#" + team.id()));
        return a;
    }

    private static Team team(String botId, Map<String, AttributeValue> item) {
        return new Team(botId, item.get("teamId").s(), item.get("name").s(),
                item.containsKey("memberIds") ? Set.copyOf(item.get("memberIds").ss()) : Set.of(),
                num(item, "createdAt"), num(item, "version"));
    }

    /** The team side of a membership change made from the operator: one element, version bumped. */
    private TransactWriteItem member(String botId, String teamId, String op, String operatorId, long now) {
        return elementChange(teamPk(botId, teamId), TEAM_SK, "memberIds", op, operatorId, now);
    }

    /** The operator side of a membership change made from the team. */
    private TransactWriteItem teamOf(String botId, String operatorId, String op, String teamId, long now) {
        return elementChange(operatorPk(botId, operatorId), OPERATOR_SK, "teamIds", op, teamId, now);
    }

    private TransactWriteItem elementChange(String pk, String sk, String attribute, String op, String element, long now) {
        String expression = "SET #u = :now " + op + " #set :e" + (op.equals("ADD") ? ", #version :one" : " ADD #version :one");
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, sk))
                .updateExpression(expression)
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#u", "updatedAt", "#set", attribute, "#version", "version"))
                .expressionAttributeValues(Map.of(":now", n(now), ":e", AttributeValue.fromSs(List.of(element)), ":one", n(1)))
                .build()).build();
    }

    // ---- contact field definitions ----

    @Override
    public List<ContactFieldDefinition> contactFields(String botId) {
        List<ContactFieldDefinition> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var response = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :p AND begins_with(sk, :f)")
                    .expressionAttributeValues(Map.of(":p", s(fieldsPk(botId)), ":f", s("FIELD#"))).consistentRead(true)
                    .exclusiveStartKey(from));
            for (var item : response.items()) {
                ContactFieldDefinition.Type type = ContactFieldDefinition.Type.parse(item.get("type").s());
                if (type == null) continue;
                out.add(new ContactFieldDefinition(item.get("name").s(), item.get("label").s(), type,
                        item.containsKey("options") ? item.get("options").l().stream().map(AttributeValue::s).toList() : List.of()));
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public void createContactField(String botId, ContactFieldDefinition d, long now) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(field(botId, d, now)).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            throw ApiException.conflict("a contact field named " + d.name() + " exists");
        }
    }

    @Override
    public void updateContactField(String botId, ContactFieldDefinition d, long now) {
        Map<String, AttributeValue> item = field(botId, d, now);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            throw ApiException.notFound("contact field");
        }
    }

    @Override
    public void deleteContactField(String botId, String name) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(key(fieldsPk(botId), "FIELD#" + name)).conditionExpression("attribute_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            throw ApiException.notFound("contact field");
        }
    }

    private static Map<String, AttributeValue> field(String botId, ContactFieldDefinition d, long now) {
        Map<String, AttributeValue> item = new HashMap<>(key(fieldsPk(botId), "FIELD#" + d.name()));
        item.put("name", s(d.name()));
        item.put("label", s(d.label()));
        item.put("type", s(d.type().wire()));
        if (!d.options().isEmpty()) item.put("options", AttributeValue.fromL(d.options().stream().map(Attrs::s).toList()));
        item.put("updatedAt", n(now));
        return item;
    }

    // ---- helpers ----

    private List<Map<String, AttributeValue>> query(String partition) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder b = QueryRequest.builder().tableName(table).indexName(Keys.BY_STATUS_INDEX)
                    .keyConditionExpression("gsi1pk = :p").expressionAttributeValues(Map.of(":p", s(partition)));
            if (start != null) b.exclusiveStartKey(start);
            var response = dynamo.query(b.build());
            out.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private interface Failure {
        RuntimeException at(int index);
    }

    /** One transaction; a cancelled one becomes the exception for the first item whose condition failed. */
    private void transact(List<TransactWriteItem> items, Failure failure) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) throw failure.at(i);
            }
            throw new Stale();
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).conditionExpression(condition).build()).build();
    }




    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
