package dev.tgdesk.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and checks a scenario document (format: docs/scenarios.md, schema: docs/scenario.schema.json).
 * Every problem is reported at once, each prefixed with where it is, e.g.
 * {@code nodes[3] (id notify_team).target: "t.me/+abc" is an invite link; …}.
 */
public final class ScenarioDocument {

    public static final int MAX_CALLBACK_BYTES = 64;
    public static final Duration MIN_DELAY = Duration.ofSeconds(1);
    public static final Duration MAX_DELAY = Duration.ofDays(365);
    /** Callback data prefix of question answers: {@code q:<node>:<value>}. */
    public static final String ANSWER_PREFIX = "q:";

    static final Pattern SCENARIO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
    static final Pattern COMMAND = Pattern.compile("/?[A-Za-z0-9_]{1,32}");
    static final Pattern PAYLOAD = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Pattern DURATION = Pattern.compile("P(?!$)([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+S)?)?");
    static final Pattern URL = Pattern.compile("(https?|tg)://\\S+");

    static final Set<String> NODE_TYPES = Set.of("message", "question", "condition", "set_variable", "set_contact_field",
            "delay", "write_to_chat", "handoff", "close", "jump");
    static final Set<String> TRIGGER_TYPES = Set.of("first_message", "start", "command", "keyword", "button");
    static final Set<String> INPUTS = Set.of("text", "number", "email", "phone", "choice");
    static final Set<String> OPS = Set.of("eq", "ne", "gt", "gte", "lt", "lte", "contains", "not_contains",
            "starts_with", "is_set", "is_empty", "matches");
    static final Set<String> UNARY_OPS = Set.of("is_set", "is_empty");
    static final Set<String> MEDIA_KINDS = Set.of("photo", "document", "video", "voice", "audio", "animation", "sticker");

    private static final List<String> TOP_FIELDS = List.of("$schema", "id", "version", "name", "description",
            "default_language", "variables", "triggers", "nodes", "edges");
    private static final List<String> PRESENTATION = List.of("text", "format", "buttons", "keyboard", "remove_keyboard", "media");
    private static final Map<String, List<String>> NODE_FIELDS = Map.of(
            "message", PRESENTATION,
            "question", concat(PRESENTATION, List.of("input", "min", "max", "min_length", "max_length", "options", "as",
                    "columns", "save_to", "retries", "retry_text")),
            "condition", List.of("match", "rules"),
            "set_variable", List.of("variable", "value"),
            "set_contact_field", List.of("field", "value"),
            "delay", List.of("duration"),
            "write_to_chat", List.of("target", "thread_id", "text", "format"),
            "handoff", List.of("team", "manager", "text", "format"),
            "close", List.of("text", "format"),
            "jump", List.of("to"));
    private static final Map<String, List<String>> TRIGGER_FIELDS = Map.of(
            "first_message", List.of(),
            "start", List.of("payload"),
            "command", List.of("command"),
            "keyword", List.of("keywords", "match"),
            "button", List.of("data"));

    private ScenarioDocument() {
    }

    /** Parses and validates; throws {@link ScenarioInvalidException} listing every problem. */
    public static Scenario parse(String json) {
        JsonNode root;
        try {
            root = json == null ? null : Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScenarioInvalidException(List.of("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")")));
        }
        if (root == null || !root.isObject()) throw new ScenarioInvalidException(List.of("the document must be a JSON object"));
        return new Reader(root, json).read();
    }

    static String typeName(Node node) {
        return switch (node) {
            case Node.Message m -> "message";
            case Node.Question q -> "question";
            case Node.Condition c -> "condition";
            case Node.SetVariable s -> "set_variable";
            case Node.SetContactField s -> "set_contact_field";
            case Node.Delay d -> "delay";
            case Node.WriteToChat w -> "write_to_chat";
            case Node.Handoff h -> "handoff";
            case Node.Close c -> "close";
            case Node.Jump j -> "jump";
        };
    }

    /** Whether {@code id} is a well-formed scenario id (1–64 letters, digits, _ or -, starting with a letter or digit). */
    public static boolean isValidId(String id) {
        return id != null && SCENARIO_ID.matcher(id).matches();
    }

    /** The callback data of a choice option's button. */
    public static String answerData(String nodeId, String value) {
        return ANSWER_PREFIX + nodeId + ":" + value;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** One pass over a document, collecting errors. */
    private static final class Reader {
        private final JsonNode root;
        private final String json;
        private final List<String> errors = new ArrayList<>();
        /** Every node id written in the document, also of nodes with other errors (so references are not reported twice). */
        private final Set<String> declared = new HashSet<>();

        Reader(JsonNode root, String json) {
            this.root = root;
            this.json = json;
        }

        Scenario read() {
            fields(root, "", TOP_FIELDS);
            String id = string(root, "id", "", true);
            if (id != null && !SCENARIO_ID.matcher(id).matches())
                error("id", "\"" + id + "\" must be 1–64 letters, digits, _ or -, starting with a letter or digit");
            int version = 0;
            if (root.has("version")) {
                JsonNode v = root.get("version");
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) error("version", "must be a whole number ≥ 0");
                else version = v.intValue();
            }
            String name = string(root, "name", "", false);
            string(root, "description", "", false);
            String defaultLanguage = string(root, "default_language", "", false);
            if (defaultLanguage != null && !LANGUAGE.matcher(defaultLanguage).matches())
                error("default_language", "\"" + defaultLanguage + "\" must be a 2–3 letter lower-case language code like \"en\"");

            Map<String, String> variables = variables();
            List<Node> nodes = new ArrayList<>();
            Map<String, Node> byId = new LinkedHashMap<>();
            Map<String, String> nodeLoc = new HashMap<>();
            JsonNode nodesJson = array(root, "nodes", "", true);
            if (nodesJson != null && nodesJson.isEmpty()) error("nodes", "needs at least one node");
            if (nodesJson != null) {
                for (int i = 0; i < nodesJson.size(); i++) {
                    JsonNode n = nodesJson.get(i);
                    String loc = "nodes[" + i + "]";
                    if (!n.isObject()) {
                        error(loc, "must be an object");
                        continue;
                    }
                    String nid = n.path("id").isTextual() ? n.get("id").asText() : null;
                    if (nid != null) {
                        loc += " (id " + nid + ")";
                        declared.add(nid);
                    }
                    Node node = node(n, loc, variables);
                    if (node == null) continue;
                    if (byId.containsKey(node.id())) {
                        error(loc + ".id", "duplicate node id \"" + node.id() + "\" (also " + nodeLoc.get(node.id()) + ")");
                        continue;
                    }
                    byId.put(node.id(), node);
                    nodeLoc.put(node.id(), loc);
                    nodes.add(node);
                }
            }
            List<Trigger> triggers = triggers();
            List<Edge> edges = edges(byId);
            for (Node node : nodes) {
                if (node instanceof Node.Jump j && j.to() != null && !declared.contains(j.to()))
                    error(nodeLoc.get(j.id()) + ".to", "no node with id \"" + j.to() + "\"");
            }
            if (!errors.isEmpty()) throw new ScenarioInvalidException(errors);
            return new Scenario(id, version, name == null ? id : name, defaultLanguage, variables, triggers, nodes, edges, json);
        }

        private Map<String, String> variables() {
            Map<String, String> out = new LinkedHashMap<>();
            if (!root.has("variables")) return out;
            JsonNode v = root.get("variables");
            if (!v.isObject()) {
                error("variables", "must be an object of name → default value");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!NAME.matcher(e.getKey()).matches())
                    error("variables." + e.getKey(), "variable names are letters, digits and _, starting with a letter or _");
                if (!e.getValue().isTextual()) error("variables." + e.getKey(), "the default value must be a string");
                else out.put(e.getKey(), e.getValue().asText());
            }
            return out;
        }

        private Node node(JsonNode n, String loc, Map<String, String> variables) {
            String id = string(n, "id", loc, true);
            if (id != null && !NODE_ID.matcher(id).matches())
                error(loc + ".id", "\"" + id + "\" must be 1–40 letters, digits, _ or -");
            String type = string(n, "type", loc, true);
            if (type == null) return null;
            if (!NODE_TYPES.contains(type)) {
                error(loc + ".type", "unknown node type \"" + type + "\" (known: " + String.join(", ", sorted(NODE_TYPES)) + ")");
                return null;
            }
            List<String> allowed = new ArrayList<>(List.of("id", "type"));
            allowed.addAll(NODE_FIELDS.get(type));
            fields(n, loc, allowed);
            int before = errors.size();
            Node node = switch (type) {
                case "message" -> message(n, loc, id);
                case "question" -> question(n, loc, id);
                case "condition" -> condition(n, loc, id);
                case "set_variable" -> new Node.SetVariable(id, name(n, "variable", loc), template(n, "value", loc));
                case "set_contact_field" -> new Node.SetContactField(id, name(n, "field", loc), template(n, "value", loc));
                case "delay" -> new Node.Delay(id, duration(n, loc));
                case "write_to_chat" -> writeToChat(n, loc, id, variables);
                case "handoff" -> new Node.Handoff(id, string(n, "team", loc, false), string(n, "manager", loc, false),
                        text(n, "text", loc, false), format(n, loc));
                case "close" -> new Node.Close(id, text(n, "text", loc, false), format(n, loc));
                case "jump" -> new Node.Jump(id, string(n, "to", loc, true));
                default -> null;
            };
            return errors.size() == before && id != null ? node : null;
        }

        private Node.Message message(JsonNode n, String loc, String id) {
            Node.Media media = media(n, loc);
            Text text = text(n, "text", loc, media == null);
            checkCaption(loc, media, text);
            var buttons = buttons(n, loc);
            var keyboard = keyboard(n, loc);
            Boolean remove = bool(n, "remove_keyboard", loc);
            markups(loc, !buttons.isEmpty(), keyboard != null, remove);
            return new Node.Message(id, text, format(n, loc), buttons, keyboard, remove, media);
        }

        private void checkCaption(String loc, Node.Media media, Text text) {
            if (media != null && "sticker".equals(media.kind()) && text != null)
                error(loc + ".text", "a sticker cannot have a caption; put the text in a separate message node");
        }

        private void markups(String loc, boolean buttons, boolean keyboard, Boolean remove) {
            int n = (buttons ? 1 : 0) + (keyboard ? 1 : 0) + (Boolean.TRUE.equals(remove) ? 1 : 0);
            if (n > 1) error(loc, "use only one of buttons, keyboard and remove_keyboard (a Telegram message carries one)");
        }

        private Node.Question question(JsonNode n, String loc, String id) {
            Node.Media media = media(n, loc);
            Text text = text(n, "text", loc, true);
            checkCaption(loc, media, text);
            var buttons = buttons(n, loc);
            var keyboard = keyboard(n, loc);
            Boolean remove = bool(n, "remove_keyboard", loc);
            String input = string(n, "input", loc, true);
            if (input != null && !INPUTS.contains(input)) {
                error(loc + ".input", "unknown input \"" + input + "\" (known: " + String.join(", ", sorted(INPUTS)) + ")");
                input = null;
            }
            boolean choice = "choice".equals(input);
            Double min = number(n, "min", loc), max = number(n, "max", loc);
            Integer minLength = integer(n, "min_length", loc, 0, 4096), maxLength = integer(n, "max_length", loc, 1, 4096);
            Integer columns = integer(n, "columns", loc, 1, 8);
            String as = string(n, "as", loc, false);
            if (as != null && !as.equals("buttons") && !as.equals("keyboard"))
                error(loc + ".as", "must be \"buttons\" or \"keyboard\"");
            if (input != null) {
                if (!"number".equals(input)) {
                    if (n.has("min")) error(loc + ".min", "applies only to input \"number\"");
                    if (n.has("max")) error(loc + ".max", "applies only to input \"number\"");
                }
                if (!"text".equals(input)) {
                    if (n.has("min_length")) error(loc + ".min_length", "applies only to input \"text\"");
                    if (n.has("max_length")) error(loc + ".max_length", "applies only to input \"text\"");
                }
                if (!choice) for (String f : List.of("options", "as", "columns"))
                    if (n.has(f)) error(loc + "." + f, "applies only to input \"choice\"");
            }
            if (min != null && max != null && min > max) error(loc + ".min", "min " + fmt(min) + " is greater than max " + fmt(max));
            if (minLength != null && maxLength != null && minLength > maxLength)
                error(loc + ".min_length", "min_length is greater than max_length");
            List<Node.Option> options = null;
            if (choice) {
                options = options(n, loc, id);
                boolean asKeyboard = "keyboard".equals(as);
                markups(loc, asKeyboard || !buttons.isEmpty() , keyboard != null, remove);
                if (asKeyboard && !buttons.isEmpty()) error(loc, "options shown as a keyboard cannot be combined with buttons");
                if (!asKeyboard && keyboard != null) error(loc, "options shown as buttons cannot be combined with a keyboard");
            } else {
                markups(loc, !buttons.isEmpty(), keyboard != null, remove);
            }
            Node.SaveTo saveTo = saveTo(n, loc);
            Integer retries = integer(n, "retries", loc, 0, 10);
            Text retryText = text(n, "retry_text", loc, false);
            return new Node.Question(id, text, format(n, loc), buttons, keyboard, remove, media, input, min, max, minLength,
                    maxLength, options, as, columns, saveTo, retries, retryText);
        }

        private List<Node.Option> options(JsonNode n, String loc, String id) {
            JsonNode arr = array(n, "options", loc, true);
            List<Node.Option> out = new ArrayList<>();
            if (arr == null) return out;
            if (arr.isEmpty()) error(loc + ".options", "a choice needs at least one option");
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < arr.size(); i++) {
                String l = loc + ".options[" + i + "]";
                JsonNode o = arr.get(i);
                if (!o.isObject()) {
                    error(l, "must be an object {value, text}");
                    continue;
                }
                fields(o, l, List.of("value", "text"));
                String value = string(o, "value", l, true);
                Text text = text(o, "text", l, true);
                if (value == null) continue;
                if (!seen.add(value.toLowerCase(java.util.Locale.ROOT))) error(l + ".value", "duplicate option value \"" + value + "\"");
                if (id != null && utf8Length(answerData(id, value)) > MAX_CALLBACK_BYTES)
                    error(l + ".value", "button data \"" + answerData(id, value) + "\" is " + utf8Length(answerData(id, value))
                            + " bytes; Telegram allows " + MAX_CALLBACK_BYTES + " — shorten the node id or the value");
                out.add(new Node.Option(value, text));
            }
            return out;
        }

        private Node.SaveTo saveTo(JsonNode n, String loc) {
            if (!n.has("save_to")) return null;
            JsonNode s = n.get("save_to");
            String l = loc + ".save_to";
            if (!s.isObject()) {
                error(l, "must be {\"variable\": name} or {\"contact_field\": name}");
                return null;
            }
            fields(s, l, List.of("variable", "contact_field"));
            String variable = s.has("variable") ? name(s, "variable", l) : null;
            String field = s.has("contact_field") ? name(s, "contact_field", l) : null;
            if (s.has("variable") == s.has("contact_field")) error(l, "give exactly one of variable and contact_field");
            return new Node.SaveTo(variable, field);
        }

        private Node.Condition condition(JsonNode n, String loc, String id) {
            String match = string(n, "match", loc, false);
            if (match != null && !match.equals("all") && !match.equals("any")) error(loc + ".match", "must be \"all\" or \"any\"");
            JsonNode arr = array(n, "rules", loc, true);
            List<Node.Rule> rules = new ArrayList<>();
            if (arr != null) {
                if (arr.isEmpty()) error(loc + ".rules", "needs at least one rule");
                for (int i = 0; i < arr.size(); i++) {
                    String l = loc + ".rules[" + i + "]";
                    JsonNode r = arr.get(i);
                    if (!r.isObject()) {
                        error(l, "must be an object {left, op, right}");
                        continue;
                    }
                    fields(r, l, List.of("left", "op", "right"));
                    String left = string(r, "left", l, true);
                    String op = string(r, "op", l, true);
                    if (op != null && !OPS.contains(op)) {
                        error(l + ".op", "unknown operator \"" + op + "\" (known: " + String.join(", ", sorted(OPS)) + ")");
                        op = null;
                    }
                    boolean unary = op != null && UNARY_OPS.contains(op);
                    String right = r.has("right") ? template(r, "right", l) : null;
                    if (op != null && !unary && !r.has("right")) error(l + ".right", "required for op \"" + op + "\"");
                    if ("matches".equals(op) && right != null && Template.variables(right).isEmpty()) {
                        try {
                            Pattern.compile(right);
                        } catch (PatternSyntaxException e) {
                            error(l + ".right", "not a valid regular expression: " + e.getDescription());
                        }
                    }
                    rules.add(new Node.Rule(left, op, right));
                }
            }
            return new Node.Condition(id, match, rules);
        }

        private String duration(JsonNode n, String loc) {
            String d = string(n, "duration", loc, true);
            if (d == null) return null;
            if (!DURATION.matcher(d).matches()) {
                error(loc + ".duration", "\"" + d + "\" is not an ISO-8601 duration like PT30S, PT15M, PT2H or P1D");
                return d;
            }
            try {
                Duration parsed = Duration.parse(d);
                if (parsed.compareTo(MIN_DELAY) < 0 || parsed.compareTo(MAX_DELAY) > 0)
                    error(loc + ".duration", "\"" + d + "\" must be between 1 second (PT1S) and 365 days (P365D)");
            } catch (DateTimeParseException | ArithmeticException e) {
                error(loc + ".duration", "\"" + d + "\" is not an ISO-8601 duration like PT30S, PT15M, PT2H or P1D");
            }
            return d;
        }

        private Node.WriteToChat writeToChat(JsonNode n, String loc, String id, Map<String, String> variables) {
            String raw = string(n, "target", loc, true);
            Integer threadInt = null;
            Long thread = null;
            if (n.has("thread_id")) {
                JsonNode t = n.get("thread_id");
                if (!t.isIntegralNumber() || t.longValue() < 1 || t.longValue() > Integer.MAX_VALUE)
                    error(loc + ".thread_id", "must be a positive whole number (the forum topic id)");
                else thread = t.longValue();
            }
            Text text = text(n, "text", loc, true);
            String format = format(n, loc);
            String target = raw;
            if (raw != null) {
                String var = Template.soleVariable(raw);
                if (var != null) {
                    String name = var.startsWith("var.") ? var.substring(4) : var;
                    if (!variables.containsKey(name)) {
                        error(loc + ".target", "{{" + var + "}} is not declared in \"variables\"; declare it with a default chat");
                    } else {
                        try {
                            ChatTarget.parse(variables.get(name));
                        } catch (ChatTarget.InvalidTarget e) {
                            error(loc + ".target", "the default of variable " + name + " is not a usable chat: " + e.getMessage());
                        }
                    }
                    target = "{{" + name + "}}";
                } else if (!Template.variables(raw).isEmpty()) {
                    error(loc + ".target", "must be a chat (@name, t.me link, numeric id) or exactly one {{variable}}");
                } else {
                    try {
                        ChatTarget t = ChatTarget.parse(raw);
                        target = t.chatId();
                        if (t.threadId() != null) {
                            if (thread != null && !thread.equals(t.threadId()))
                                error(loc + ".thread_id", thread + " contradicts topic " + t.threadId() + " in the target link");
                            thread = t.threadId();
                        }
                    } catch (ChatTarget.InvalidTarget e) {
                        error(loc + ".target", e.getMessage());
                    }
                }
            }
            return new Node.WriteToChat(id, target, thread, text, format);
        }

        private List<Trigger> triggers() {
            List<Trigger> out = new ArrayList<>();
            JsonNode arr = array(root, "triggers", "", false);
            if (arr == null) return out;
            for (int i = 0; i < arr.size(); i++) {
                String loc = "triggers[" + i + "]";
                JsonNode t = arr.get(i);
                if (!t.isObject()) {
                    error(loc, "must be an object {type, node, …}");
                    continue;
                }
                String type = string(t, "type", loc, true);
                String node = string(t, "node", loc, true);
                if (type != null && !TRIGGER_TYPES.contains(type)) {
                    error(loc + ".type", "unknown trigger type \"" + type + "\" (known: " + String.join(", ", sorted(TRIGGER_TYPES)) + ")");
                    type = null;
                }
                if (node != null && !declared.contains(node)) error(loc + ".node", "no node with id \"" + node + "\"");
                if (type == null) continue;
                List<String> allowed = new ArrayList<>(List.of("type", "node"));
                allowed.addAll(TRIGGER_FIELDS.get(type));
                fields(t, loc, allowed);
                String payload = null, command = null, match = null, data = null;
                List<String> keywords = null;
                switch (type) {
                    case "start" -> {
                        payload = string(t, "payload", loc, false);
                        if (payload != null && !PAYLOAD.matcher(payload).matches())
                            error(loc + ".payload", "a /start payload is 1–64 of A-Z, a-z, 0-9, _ and -");
                    }
                    case "command" -> {
                        command = string(t, "command", loc, true);
                        if (command != null) {
                            if (!COMMAND.matcher(command).matches())
                                error(loc + ".command", "\"" + command + "\" must be 1–32 letters, digits or _ (e.g. \"help\")");
                            command = command.replaceFirst("^/", "").toLowerCase(java.util.Locale.ROOT);
                        }
                    }
                    case "keyword" -> {
                        keywords = new ArrayList<>();
                        JsonNode k = array(t, "keywords", loc, true);
                        if (k != null) {
                            if (k.isEmpty()) error(loc + ".keywords", "needs at least one keyword");
                            for (int j = 0; j < k.size(); j++) {
                                if (!k.get(j).isTextual() || k.get(j).asText().isBlank())
                                    error(loc + ".keywords[" + j + "]", "must be a non-empty string");
                                else keywords.add(k.get(j).asText().strip());
                            }
                        }
                        match = string(t, "match", loc, false);
                        if (match != null && !match.equals("contains") && !match.equals("exact"))
                            error(loc + ".match", "must be \"contains\" or \"exact\"");
                    }
                    case "button" -> {
                        data = string(t, "data", loc, true);
                        if (data != null) callbackData(data, loc + ".data");
                    }
                    default -> {
                    }
                }
                out.add(new Trigger(type, node, payload, command, keywords, match, data));
            }
            return out;
        }

        private List<Edge> edges(Map<String, Node> byId) {
            List<Edge> out = new ArrayList<>();
            JsonNode arr = array(root, "edges", "", false);
            if (arr == null) return out;
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < arr.size(); i++) {
                String loc = "edges[" + i + "]";
                JsonNode e = arr.get(i);
                if (!e.isObject()) {
                    error(loc, "must be an object {from, to, port}");
                    continue;
                }
                fields(e, loc, List.of("from", "to", "port"));
                String from = string(e, "from", loc, true);
                String to = string(e, "to", loc, true);
                String port = string(e, "port", loc, false);
                Edge edge = new Edge(from, to, port);
                if (to != null && !declared.contains(to)) error(loc + ".to", "no node with id \"" + to + "\"");
                if (from == null) continue;
                Node source = byId.get(from);
                if (source == null) {
                    if (!declared.contains(from)) error(loc + ".from", "no node with id \"" + from + "\"");
                    continue;
                }
                Set<String> ports = ports(source);
                if (ports.isEmpty()) {
                    error(loc + ".from", "a " + source.type() + " node has no outgoing edges"
                            + (source instanceof Node.Jump ? " (it goes to its \"to\" node)" : " (the run ends there)"));
                    continue;
                }
                if (!ports.contains(edge.port())) {
                    String what = source instanceof Node.Question q && "choice".equals(q.input())
                            ? "port \"" + edge.port() + "\" is not an option value of choice question " + from
                            : "node " + from + " (" + source.type() + ") has no port \"" + edge.port() + "\"";
                    error(loc + ".port", what + " (ports: " + String.join(", ", ports) + ")");
                    continue;
                }
                Integer dup = seen.put(from + "\u0000" + edge.port(), i);
                if (dup != null) error(loc, "edges[" + dup + "] already leaves " + from + " at port \"" + edge.port() + "\"");
                out.add(edge);
            }
            return out;
        }

        /** The ports a node's edges may use. */
        private static Set<String> ports(Node node) {
            Set<String> ports = new LinkedHashSet<>();
            switch (node) {
                case Node.Condition c -> {
                    ports.add("true");
                    ports.add("false");
                }
                case Node.Question q -> {
                    ports.add(Edge.NEXT);
                    ports.add("invalid");
                    if (q.options() != null) q.options().forEach(o -> ports.add(o.value()));
                }
                case Node.Close c -> {
                }
                case Node.Jump j -> {
                }
                default -> ports.add(Edge.NEXT);
            }
            return ports;
        }

        // ---- presentation pieces -------------------------------------------------------------

        private String format(JsonNode n, String loc) {
            String f = string(n, "format", loc, false);
            if (f != null && !f.equals("plain") && !f.equals("html")) error(loc + ".format", "must be \"plain\" or \"html\"");
            return f;
        }

        private List<List<Node.Button>> buttons(JsonNode n, String loc) {
            List<List<Node.Button>> rows = new ArrayList<>();
            JsonNode arr = array(n, "buttons", loc, false);
            if (arr == null) return rows;
            for (int r = 0; r < arr.size(); r++) {
                String rl = loc + ".buttons[" + r + "]";
                JsonNode row = arr.get(r);
                if (!row.isArray() || row.isEmpty()) {
                    error(rl, "must be a non-empty array of buttons (buttons are rows of buttons)");
                    continue;
                }
                List<Node.Button> out = new ArrayList<>();
                for (int c = 0; c < row.size(); c++) {
                    String l = rl + "[" + c + "]";
                    JsonNode b = row.get(c);
                    if (!b.isObject()) {
                        error(l, "must be an object {text, data} or {text, url}");
                        continue;
                    }
                    fields(b, l, List.of("text", "data", "url"));
                    Text text = text(b, "text", l, true);
                    String data = string(b, "data", l, false);
                    String url = string(b, "url", l, false);
                    if ((data == null) == (url == null)) error(l, "give exactly one of data and url");
                    if (data != null) {
                        callbackData(data, l + ".data");
                    }
                    if (url != null && !URL.matcher(url).matches()) error(l + ".url", "must start with https://, http:// or tg://");
                    out.add(new Node.Button(text, data, url));
                }
                rows.add(out);
            }
            return rows;
        }

        private void callbackData(String data, String loc) {
            if (data.isEmpty()) error(loc, "must not be empty");
            if (utf8Length(data) > MAX_CALLBACK_BYTES)
                error(loc, "is " + utf8Length(data) + " bytes; Telegram allows " + MAX_CALLBACK_BYTES + " bytes of button data");
            if (data.startsWith(ANSWER_PREFIX)) error(loc, "data starting with \"q:\" is reserved for question answers");
        }

        private Node.Keyboard keyboard(JsonNode n, String loc) {
            if (!n.has("keyboard")) return null;
            JsonNode k = n.get("keyboard");
            String l = loc + ".keyboard";
            if (!k.isObject()) {
                error(l, "must be an object {rows, one_time, resize}");
                return null;
            }
            fields(k, l, List.of("rows", "one_time", "resize"));
            List<List<Text>> rows = new ArrayList<>();
            JsonNode arr = array(k, "rows", l, true);
            if (arr != null) {
                if (arr.isEmpty()) error(l + ".rows", "needs at least one row");
                for (int r = 0; r < arr.size(); r++) {
                    JsonNode row = arr.get(r);
                    String rl = l + ".rows[" + r + "]";
                    if (!row.isArray() || row.isEmpty()) {
                        error(rl, "must be a non-empty array of button texts");
                        continue;
                    }
                    List<Text> texts = new ArrayList<>();
                    for (int c = 0; c < row.size(); c++) {
                        Text t = textValue(row.get(c), rl + "[" + c + "]");
                        if (t != null) texts.add(t);
                    }
                    rows.add(texts);
                }
            }
            return new Node.Keyboard(rows, bool(k, "one_time", l), bool(k, "resize", l));
        }

        private Node.Media media(JsonNode n, String loc) {
            if (!n.has("media")) return null;
            JsonNode m = n.get("media");
            String l = loc + ".media";
            if (!m.isObject()) {
                error(l, "must be an object {kind, file_id}");
                return null;
            }
            fields(m, l, List.of("kind", "file_id"));
            String kind = string(m, "kind", l, true);
            String fileId = string(m, "file_id", l, true);
            if (kind != null && !MEDIA_KINDS.contains(kind))
                error(l + ".kind", "unknown media kind \"" + kind + "\" (known: " + String.join(", ", sorted(MEDIA_KINDS)) + ")");
            return new Node.Media(kind, fileId);
        }

        // ---- primitives ------------------------------------------------------------------------

        private void error(String loc, String message) {
            errors.add((loc == null || loc.isEmpty() ? "" : loc + ": ") + message);
        }

        private static String at(String loc, String field) {
            return loc.isEmpty() ? field : loc + "." + field;
        }

        private void fields(JsonNode obj, String loc, List<String> allowed) {
            for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f))
                    error(at(loc, f), "unknown field" + (allowed.isEmpty() ? "" : " (allowed here: " + String.join(", ", allowed) + ")"));
            }
        }

        private String string(JsonNode obj, String field, String loc, boolean required) {
            JsonNode v = obj.get(field);
            if (v == null || v.isNull()) {
                if (required) error(at(loc, field), "required");
                return null;
            }
            if (!v.isTextual()) {
                error(at(loc, field), "must be a string");
                return null;
            }
            if (required && v.asText().isBlank()) {
                error(at(loc, field), "must not be empty");
                return null;
            }
            return v.asText();
        }

        /** A template string (may be empty). */
        private String template(JsonNode obj, String field, String loc) {
            JsonNode v = obj.get(field);
            if (v == null || v.isNull()) {
                error(at(loc, field), "required");
                return null;
            }
            if (!v.isTextual()) {
                error(at(loc, field), "must be a string");
                return null;
            }
            return v.asText();
        }

        private String name(JsonNode obj, String field, String loc) {
            String s = string(obj, field, loc, true);
            if (s != null && !NAME.matcher(s).matches())
                error(at(loc, field), "\"" + s + "\" must be letters, digits and _, starting with a letter or _ (at most 64)");
            return s;
        }

        private Text text(JsonNode obj, String field, String loc, boolean required) {
            JsonNode v = obj.get(field);
            if (v == null || v.isNull()) {
                if (required) error(at(loc, field), "required");
                return null;
            }
            return textValue(v, at(loc, field));
        }

        private Text textValue(JsonNode v, String loc) {
            if (v.isTextual()) {
                if (v.asText().isBlank()) {
                    error(loc, "must not be empty");
                    return null;
                }
                return Text.of(v.asText());
            }
            if (v.isObject()) {
                if (v.isEmpty()) {
                    error(loc, "needs at least one language, e.g. {\"en\": \"…\"}");
                    return null;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!LANGUAGE.matcher(e.getKey()).matches())
                        error(loc + "." + e.getKey(), "\"" + e.getKey() + "\" is not a 2–3 letter lower-case language code");
                    else if (!e.getValue().isTextual() || e.getValue().asText().isBlank())
                        error(loc + "." + e.getKey(), "must be a non-empty string");
                    else values.put(e.getKey(), e.getValue().asText());
                }
                return values.isEmpty() ? null : new Text(values);
            }
            error(loc, "must be a string or an object of language → string");
            return null;
        }

        private JsonNode array(JsonNode obj, String field, String loc, boolean required) {
            JsonNode v = obj.get(field);
            if (v == null || v.isNull()) {
                if (required) error(at(loc, field), "required");
                return null;
            }
            if (!v.isArray()) {
                error(at(loc, field), "must be an array");
                return null;
            }
            return v;
        }

        private Boolean bool(JsonNode obj, String field, String loc) {
            JsonNode v = obj.get(field);
            if (v == null || v.isNull()) return null;
            if (!v.isBoolean()) {
                error(at(loc, field), "must be true or false");
                return null;
            }
            return v.booleanValue();
        }

        private Integer integer(JsonNode obj, String field, String loc, int min, int max) {
            JsonNode v = obj.get(field);
            if (v == null || v.isNull()) return null;
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
                error(at(loc, field), "must be a whole number from " + min + " to " + max);
                return null;
            }
            return v.intValue();
        }

        private Double number(JsonNode obj, String field, String loc) {
            JsonNode v = obj.get(field);
            if (v == null || v.isNull()) return null;
            if (!v.isNumber()) {
                error(at(loc, field), "must be a number");
                return null;
            }
            return v.doubleValue();
        }

        private static List<String> sorted(Set<String> s) {
            return s.stream().sorted().toList();
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
