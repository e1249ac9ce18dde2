package dev.tgdesk.scenario;

import dev.tgdesk.outbound.OutgoingMessage;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Runs scenarios: one event in, the run's next state and the actions to carry out. Pure — no I/O and no
 * clock but the one given — so every turn is reproducible from its input.
 */
public final class ScenarioEngine {

    /** Node executions allowed in one turn; more means a loop (e.g. jumps in a circle), and the run ends. */
    public static final int MAX_NODES_PER_TURN = 100;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{7,15}");

    private final Clock clock;

    public ScenarioEngine(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Turn handle(TurnInput input) {
        return new Exec(input, clock.millis()).turn();
    }

    /** Timer tokens are derived from the run, so a re-run of the same turn yields the same token. */
    static String timerToken(String scenarioId, int version, long startedAt, long steps) {
        return scenarioId + "." + version + "." + startedAt + "." + steps;
    }

    /** State of one turn. */
    private static final class Exec {
        private final TurnInput in;
        private final long now;
        private final List<Action> actions = new ArrayList<>();
        private final List<LogLine> log = new ArrayList<>();
        private final Map<String, String> contactUpdates = new HashMap<>();

        private boolean hasRun;
        private Scenario sc;
        private String scenarioId;
        private int version;
        private String status;
        private String node;
        private Map<String, String> vars = new TreeMap<>();
        private RunState.Wait wait;
        private long steps;
        private long startedAt;

        Exec(TurnInput in, long now) {
            this.in = in;
            this.now = now;
        }

        Turn turn() {
            ScenarioEvent event = in.event();
            if (event instanceof ScenarioEvent.ButtonPress press)
                actions.add(new Action.AnswerCallback(press.callbackQueryId(), null));
            RunState old = in.run();
            if (old == null && in.boundScenario() == null) return result();
            if (old != null) load(old);
            dispatch(event);
            return result();
        }

        private void load(RunState old) {
            hasRun = true;
            sc = in.runScenario();
            scenarioId = old.scenarioId();
            version = old.version();
            status = old.status();
            node = old.node();
            vars = new TreeMap<>(old.vars());
            wait = old.waitFor();
            steps = old.steps();
            startedAt = old.startedAt();
            if (active() && sc == null) {
                log.add(LogLine.error(node, "scenario " + scenarioId + " v" + version + " is no longer available; run ended"));
                end();
            }
        }

        private boolean active() {
            return hasRun && !RunState.FINISHED.equals(status);
        }

        private void dispatch(ScenarioEvent event) {
            if (event instanceof ScenarioEvent.Resume) {
                resume();
                return;
            }
            if (in.dialog() != null && in.dialog().operatorActive()) {
                log.add(LogLine.info(active() ? node : null, "operator is handling the dialog"));
                return;
            }
            if (event instanceof ScenarioEvent.TimerFired timer) {
                timer(timer);
                return;
            }
            Scenario bound = in.boundScenario();
            if (event instanceof ScenarioEvent.UserMessage message && bound != null) {
                if (commandTrigger(bound, message.text())) return;
            }
            if (active() && RunState.WAITING_INPUT.equals(status) && wait != null) {
                Node.Question q = sc.node(wait.node()) instanceof Node.Question question ? question : null;
                if (q == null) {
                    log.add(LogLine.error(wait.node(), "the waiting question is missing from the scenario; run ended"));
                    end();
                    return;
                }
                if (event instanceof ScenarioEvent.UserMessage) {
                    answer(q, event);
                    return;
                }
                if (event instanceof ScenarioEvent.ButtonPress press) {
                    if (press.data() != null && press.data().startsWith(ScenarioDocument.answerData(q.id(), ""))) {
                        answer(q, event);
                        return;
                    }
                    if (bound == null || !buttonTrigger(bound, press))
                        log.add(LogLine.info(q.id(), "ignored a button press that does not answer this question"));
                    return;
                }
            }
            if (bound == null) return;
            if (event instanceof ScenarioEvent.ButtonPress press) {
                if (!buttonTrigger(bound, press) && hasRun)
                    log.add(LogLine.info(node, "ignored a button press: no question waits for it and no trigger matches"));
            } else if (event instanceof ScenarioEvent.UserMessage message) {
                if (keywordTrigger(bound, message.text())) return;
                if (in.dialog() != null && in.dialog().newDialog()) {
                    for (Trigger t : bound.triggers())
                        if (t.type().equals("first_message")) {
                            start(bound, t, null);
                            return;
                        }
                }
            }
        }

        // ---- triggers ----------------------------------------------------------------------

        private boolean commandTrigger(Scenario bound, String text) {
            if (text == null) return false;
            String s = text.strip();
            if (!s.startsWith("/") || s.length() < 2) return false;
            int space = indexOfWhitespace(s);
            String token = space < 0 ? s.substring(1) : s.substring(1, space);
            String args = space < 0 ? "" : s.substring(space).strip();
            int at = token.indexOf('@');
            String name = (at < 0 ? token : token.substring(0, at)).toLowerCase(Locale.ROOT);
            if (name.equals("start")) {
                for (Trigger t : bound.triggers())
                    if (t.type().equals("start") && t.payload() != null && t.payload().equals(args)) {
                        start(bound, t, args);
                        return true;
                    }
                for (Trigger t : bound.triggers())
                    if (t.type().equals("start") && t.payload() == null) {
                        start(bound, t, args.isEmpty() ? null : args);
                        return true;
                    }
                return false;
            }
            for (Trigger t : bound.triggers())
                if (t.type().equals("command") && name.equals(t.command())) {
                    start(bound, t, null);
                    return true;
                }
            return false;
        }

        private static int indexOfWhitespace(String s) {
            for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
            return -1;
        }

        private boolean buttonTrigger(Scenario bound, ScenarioEvent.ButtonPress press) {
            if (press.data() == null) return false;
            for (Trigger t : bound.triggers())
                if (t.type().equals("button") && press.data().equals(t.data())) {
                    start(bound, t, null);
                    return true;
                }
            return false;
        }

        private boolean keywordTrigger(Scenario bound, String text) {
            if (text == null || text.isBlank()) return false;
            String lower = text.strip().toLowerCase(Locale.ROOT);
            for (Trigger t : bound.triggers()) {
                if (!t.type().equals("keyword") || t.keywords() == null) continue;
                boolean exact = "exact".equals(t.match());
                for (String k : t.keywords()) {
                    String kw = k.strip().toLowerCase(Locale.ROOT);
                    if (exact ? lower.equals(kw) : lower.contains(kw)) {
                        start(bound, t, null);
                        return true;
                    }
                }
            }
            return false;
        }

        private void start(Scenario scenario, Trigger trigger, String startPayload) {
            boolean restart = active();
            hasRun = true;
            sc = scenario;
            scenarioId = scenario.id();
            version = scenario.version();
            vars = new TreeMap<>();
            if (startPayload != null) vars.put("start_payload", startPayload);
            wait = null;
            steps = 0;
            startedAt = now;
            status = RunState.RUNNING;
            node = trigger.node();
            log.add(LogLine.info(trigger.node(), "run started by " + trigger.type() + " trigger (" + scenarioId + " v" + version + ")"
                    + (restart ? "; the previous run was dropped" : "")));
            execute(trigger.node());
        }

        // ---- waiting runs --------------------------------------------------------------------

        private void resume() {
            if (!active() || !RunState.HANDED_OFF.equals(status)) {
                if (hasRun) log.add(LogLine.info(node, "dialog given back to the bot; no handed-off run to resume"));
                return;
            }
            String resumeAt = wait == null ? null : wait.resumeNode();
            String from = wait == null ? node : wait.node();
            log.add(LogLine.info(from, "dialog given back to the bot"));
            wait = null;
            if (resumeAt == null) {
                log.add(LogLine.info(from, "nothing after the handoff; run finished"));
                end();
            } else {
                execute(resumeAt);
            }
        }

        private void timer(ScenarioEvent.TimerFired timer) {
            if (!active() || !RunState.WAITING_TIMER.equals(status) || wait == null || !Objects.equals(wait.token(), timer.token())) {
                if (hasRun) log.add(LogLine.info(node, "ignored a timer that this run no longer waits for"));
                return;
            }
            String delay = wait.node();
            log.add(LogLine.info(delay, "timer fired"));
            wait = null;
            status = RunState.RUNNING;
            continueAt(delay, Edge.NEXT);
        }

        private void answer(Node.Question q, ScenarioEvent event) {
            String value = accept(q, event);
            int attempts = wait.attempts();
            if (value == null) {
                attempts++;
                int retries = q.retriesOrDefault();
                if (attempts <= retries) {
                    log.add(LogLine.info(q.id(), "invalid answer " + attempts + "/" + retries + ", asked again"));
                    ask(q, true);
                    wait = new RunState.Wait(RunState.Wait.INPUT, q.id(), null, attempts, null, null);
                    return;
                }
                wait = null;
                status = RunState.RUNNING;
                if (sc.next(q.id(), "invalid").isPresent()) {
                    log.add(LogLine.warn(q.id(), "no valid answer after " + attempts + " tries; going on at port invalid"));
                    execute(sc.next(q.id(), "invalid").get());
                } else {
                    log.add(LogLine.warn(q.id(), "no valid answer after " + attempts + " tries; run ended"));
                    end();
                }
                return;
            }
            wait = null;
            status = RunState.RUNNING;
            String saved = "";
            if (q.saveTo() != null && q.saveTo().variable() != null) {
                vars.put(q.saveTo().variable(), value);
                saved = ", saved to variable " + q.saveTo().variable();
            } else if (q.saveTo() != null && q.saveTo().contactField() != null) {
                contactUpdates.put(q.saveTo().contactField(), value);
                actions.add(new Action.SetContactFields(Map.of(q.saveTo().contactField(), value), q.id()));
                saved = ", saved to contact field " + q.saveTo().contactField();
            }
            log.add(LogLine.info(q.id(), "answer accepted" + saved));
            String port = "choice".equals(q.input()) && sc.next(q.id(), value).isPresent() ? value : Edge.NEXT;
            continueAt(q.id(), port);
        }

        /** The accepted answer value, or null when the answer is not valid for the question. */
        private String accept(Node.Question q, ScenarioEvent event) {
            if ("choice".equals(q.input())) {
                if (event instanceof ScenarioEvent.ButtonPress press) {
                    String value = press.data().substring(ScenarioDocument.answerData(q.id(), "").length());
                    for (Node.Option o : q.options()) if (o.value().equals(value)) return o.value();
                    return null;
                }
                String typed = event instanceof ScenarioEvent.UserMessage m && m.text() != null ? m.text().strip() : null;
                if (typed == null || typed.isEmpty()) return null;
                for (Node.Option o : q.options()) {
                    if (o.value().equalsIgnoreCase(typed)) return o.value();
                    for (String variant : o.text().variants())
                        if (plain(variant).strip().equalsIgnoreCase(typed)) return o.value();
                }
                return null;
            }
            if (!(event instanceof ScenarioEvent.UserMessage m)) return null;
            if ("phone".equals(q.input()) && m.sharedPhone() != null && !m.sharedPhone().isBlank()) {
                String phone = phone(m.sharedPhone());
                return phone == null ? null : phone.startsWith("+") ? phone : "+" + phone;
            }
            String text = m.text() == null ? "" : m.text().strip();
            if (text.isEmpty()) return null;
            return switch (q.input()) {
                case "text" -> {
                    int length = text.codePointCount(0, text.length());
                    if (q.minLength() != null && length < q.minLength()) yield null;
                    if (q.maxLength() != null && length > q.maxLength()) yield null;
                    yield text;
                }
                case "number" -> {
                    BigDecimal n = number(text.replace(',', '.'));
                    if (n == null) yield null;
                    if (q.min() != null && n.compareTo(BigDecimal.valueOf(q.min())) < 0) yield null;
                    if (q.max() != null && n.compareTo(BigDecimal.valueOf(q.max())) > 0) yield null;
                    yield n.stripTrailingZeros().toPlainString();
                }
                case "email" -> EMAIL.matcher(text).matches() ? text : null;
                case "phone" -> phone(text);
                default -> null;
            };
        }

        private static String phone(String raw) {
            String s = raw.strip().replaceAll("[\\s().-]", "");
            return PHONE.matcher(s).matches() ? s : null;
        }

        private static BigDecimal number(String s) {
            try {
                return new BigDecimal(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }

        // ---- execution ---------------------------------------------------------------------------

        private void continueAt(String from, String port) {
            var next = sc.next(from, port);
            if (next.isEmpty()) {
                log.add(LogLine.info(from, "no next step; run finished"));
                end();
            } else {
                execute(next.get());
            }
        }

        private void end() {
            status = RunState.FINISHED;
            wait = null;
        }

        private void execute(String start) {
            String current = start;
            int executed = 0;
            while (current != null) {
                if (executed == MAX_NODES_PER_TURN) {
                    log.add(LogLine.error(current, "stopped after " + MAX_NODES_PER_TURN + " steps in one turn (a loop?); run ended"));
                    end();
                    return;
                }
                executed++;
                Node n = sc.node(current);
                if (n == null) {
                    log.add(LogLine.error(current, "no such node in the scenario; run ended"));
                    end();
                    return;
                }
                steps++;
                node = current;
                status = RunState.RUNNING;
                wait = null;
                String port = step(n);
                if (port == null) return; // waiting, handed off or finished
                var next = sc.next(n.id(), port);
                if (n instanceof Node.Jump j) next = java.util.Optional.of(j.to());
                if (next.isEmpty()) {
                    log.add(LogLine.info(n.id(), "no next step; run finished"));
                    end();
                    return;
                }
                current = next.get();
            }
        }

        /** Runs one node; returns the port to follow, or null when the run stops here for now. */
        private String step(Node n) {
            switch (n) {
                case Node.Message m -> {
                    actions.add(new Action.Send(present(m, m.text(), true, List.of(), null), m.id()));
                    log.add(LogLine.info(m.id(), "sent message" + (m.media() != null ? " with " + m.media().kind() : "")));
                    return Edge.NEXT;
                }
                case Node.Question q -> {
                    ask(q, false);
                    status = RunState.WAITING_INPUT;
                    wait = new RunState.Wait(RunState.Wait.INPUT, q.id(), null, 0, null, null);
                    log.add(LogLine.info(q.id(), "asked " + q.id() + " (" + q.input() + "), waiting"));
                    return null;
                }
                case Node.Condition c -> {
                    boolean any = "any".equals(c.match());
                    boolean result = !any;
                    for (Node.Rule r : c.rules()) {
                        boolean ok = rule(c.id(), r);
                        if (any && ok) {
                            result = true;
                            break;
                        }
                        if (!any && !ok) {
                            result = false;
                            break;
                        }
                    }
                    log.add(LogLine.info(c.id(), "condition is " + result));
                    return Boolean.toString(result);
                }
                case Node.SetVariable s -> {
                    vars.put(s.variable(), plain(s.value()));
                    log.add(LogLine.info(s.id(), "set variable " + s.variable()));
                    return Edge.NEXT;
                }
                case Node.SetContactField s -> {
                    String value = plain(s.value());
                    contactUpdates.put(s.field(), value);
                    actions.add(new Action.SetContactFields(Map.of(s.field(), value), s.id()));
                    log.add(LogLine.info(s.id(), "set contact field " + s.field()));
                    return Edge.NEXT;
                }
                case Node.Delay d -> {
                    Duration duration = Duration.parse(d.duration());
                    String token = timerToken(scenarioId, version, startedAt, steps);
                    Instant fireAt = Instant.ofEpochMilli(now).plus(duration);
                    actions.add(new Action.StartTimer(token, fireAt, d.id()));
                    status = RunState.WAITING_TIMER;
                    wait = new RunState.Wait(RunState.Wait.TIMER, d.id(), token, 0, fireAt.toEpochMilli(), null);
                    log.add(LogLine.info(d.id(), "waiting " + d.duration()));
                    return null;
                }
                case Node.WriteToChat w -> {
                    writeToChat(w);
                    return Edge.NEXT;
                }
                case Node.Handoff h -> {
                    if (h.text() != null) actions.add(new Action.Send(simple(dialogChat(), null, h.text(), h.format()), h.id()));
                    actions.add(new Action.Handoff(h.team(), h.manager(), h.id()));
                    status = RunState.HANDED_OFF;
                    wait = new RunState.Wait(RunState.Wait.HANDOFF, h.id(), null, 0, null, sc.next(h.id(), Edge.NEXT).orElse(null));
                    log.add(LogLine.info(h.id(), "handed off to operators" + (h.team() != null ? " (team " + h.team() + ")" : "")
                            + (h.manager() != null ? " (manager " + h.manager() + ")" : "")));
                    return null;
                }
                case Node.Close c -> {
                    if (c.text() != null) actions.add(new Action.Send(simple(dialogChat(), null, c.text(), c.format()), c.id()));
                    actions.add(new Action.CloseDialog(c.id()));
                    log.add(LogLine.info(c.id(), "closed the dialog; run finished"));
                    end();
                    return null;
                }
                case Node.Jump j -> {
                    log.add(LogLine.info(j.id(), "jump to " + j.to()));
                    return Edge.NEXT;
                }
            }
        }

        private void writeToChat(Node.WriteToChat w) {
            String chatId = w.target();
            Long thread = w.threadId();
            String var = Template.soleVariable(w.target());
            if (var != null) {
                String value = variable(var);
                try {
                    ChatTarget target = ChatTarget.parse(value);
                    chatId = target.chatId();
                    if (thread == null) thread = target.threadId();
                } catch (ChatTarget.InvalidTarget e) {
                    log.add(LogLine.error(w.id(), "cannot write: variable " + var + " is not a chat: " + e.getMessage()));
                    return;
                }
            }
            actions.add(new Action.Send(simple(chatId, thread, w.text(), w.format()), w.id()));
            log.add(LogLine.info(w.id(), "wrote to " + chatId + (thread != null ? " (topic " + thread + ")" : "")));
        }

        private void ask(Node.Question q, boolean again) {
            Text text = again && q.retryText() != null ? q.retryText() : q.text();
            boolean withMedia = !(again && q.retryText() != null);
            List<List<OutgoingMessage.InlineButton>> optionRows = List.of();
            OutgoingMessage.ReplyKeyboard optionKeyboard = null;
            if ("choice".equals(q.input())) {
                List<String> labels = q.options().stream().map(o -> plain(pick(o.text()))).toList();
                int columns = q.columns() != null ? q.columns()
                        : labels.size() <= 5 && labels.stream().allMatch(l -> l.codePointCount(0, l.length()) <= 12) ? labels.size() : 1;
                if (q.asKeyboard()) {
                    optionKeyboard = new OutgoingMessage.ReplyKeyboard(chunk(labels, columns), true, true);
                } else {
                    List<OutgoingMessage.InlineButton> buttons = new ArrayList<>();
                    for (int i = 0; i < labels.size(); i++)
                        buttons.add(OutgoingMessage.InlineButton.callback(labels.get(i),
                                ScenarioDocument.answerData(q.id(), q.options().get(i).value())));
                    optionRows = chunk(buttons, columns);
                }
            }
            actions.add(new Action.Send(present(q, text, withMedia, optionRows, optionKeyboard), q.id()));
        }

        private static <T> List<List<T>> chunk(List<T> items, int columns) {
            List<List<T>> rows = new ArrayList<>();
            for (int i = 0; i < items.size(); i += columns) rows.add(List.copyOf(items.subList(i, Math.min(items.size(), i + columns))));
            return rows;
        }

        private OutgoingMessage present(Node.Presentation p, Text text, boolean withMedia,
                                        List<List<OutgoingMessage.InlineButton>> firstRows, OutgoingMessage.ReplyKeyboard keyboard) {
            OutgoingMessage.Media media = withMedia && p.media() != null
                    ? new OutgoingMessage.Media(OutgoingMessage.MediaKind.valueOf(p.media().kind().toUpperCase(Locale.ROOT)), p.media().fileId())
                    : null;
            List<List<OutgoingMessage.InlineButton>> rows = new ArrayList<>(firstRows);
            if (p.buttons() != null) for (List<Node.Button> row : p.buttons()) {
                List<OutgoingMessage.InlineButton> out = new ArrayList<>();
                for (Node.Button b : row) {
                    String label = plain(pick(b.text()));
                    out.add(b.data() != null ? OutgoingMessage.InlineButton.callback(label, b.data()) : OutgoingMessage.InlineButton.link(label, b.url()));
                }
                rows.add(out);
            }
            if (keyboard == null && p.keyboard() != null) {
                List<List<String>> krows = p.keyboard().rows().stream().map(r -> r.stream().map(t -> plain(pick(t))).toList()).toList();
                keyboard = new OutgoingMessage.ReplyKeyboard(krows, Boolean.TRUE.equals(p.keyboard().oneTime()),
                        !Boolean.FALSE.equals(p.keyboard().resize()));
            }
            String body = text == null ? null : render(text, p.format());
            return new OutgoingMessage(dialogChat(), null, body, format(p.format()), media, rows, keyboard,
                    Boolean.TRUE.equals(p.removeKeyboard()));
        }

        private OutgoingMessage simple(String chatId, Long threadId, Text text, String format) {
            return new OutgoingMessage(chatId, threadId, render(text, format), format(format), null, List.of(), null, false);
        }

        private String dialogChat() {
            return String.valueOf(in.dialog().chatId());
        }

        private static OutgoingMessage.Format format(String format) {
            return "html".equals(format) ? OutgoingMessage.Format.HTML : OutgoingMessage.Format.PLAIN;
        }

        // ---- texts and variables -------------------------------------------------------------------

        private String pick(Text text) {
            return text.pick(in.contact() == null ? null : in.contact().languageCode(), sc.defaultLanguage());
        }

        private String render(Text text, String format) {
            String template = pick(text);
            return "html".equals(format) ? Template.render(template, this::lookup, Template::escapeHtml) : plain(template);
        }

        private String plain(String template) {
            return Template.render(template, this::lookup);
        }

        /** Scenario variables first, then contact fields, then profile; "var." and "contact." force one side. */
        String lookup(String name) {
            if (name.startsWith("var.")) return variable(name.substring(4));
            if (name.startsWith("contact.")) return contact(name.substring(8));
            String v = variable(name);
            return v != null ? v : contact(name);
        }

        private String variable(String name) {
            if (name.startsWith("var.")) name = name.substring(4);
            if (vars.containsKey(name)) return vars.get(name);
            return sc == null ? null : sc.variables().get(name);
        }

        private String contact(String name) {
            if (contactUpdates.containsKey(name)) return contactUpdates.get(name);
            ContactView c = in.contact();
            if (c != null && c.fields().containsKey(name)) return c.fields().get(name);
            return switch (name) {
                case "first_name" -> c == null ? null : c.firstName();
                case "last_name" -> c == null ? null : c.lastName();
                case "username" -> c == null ? null : c.username();
                case "language_code" -> c == null ? null : c.languageCode();
                case "user_id" -> c == null || c.userId() == null ? null : String.valueOf(c.userId());
                case "chat_id" -> in.dialog() == null ? null : String.valueOf(in.dialog().chatId());
                default -> null;
            };
        }

        private boolean rule(String nodeId, Node.Rule r) {
            String left = plain(r.left());
            String right = r.right() == null ? "" : plain(r.right());
            BigDecimal ln = number(left), rn = number(right);
            boolean numeric = ln != null && rn != null;
            int cmp = numeric ? ln.compareTo(rn) : left.compareToIgnoreCase(right);
            String l = left.toLowerCase(Locale.ROOT), rr = right.toLowerCase(Locale.ROOT);
            return switch (r.op()) {
                case "eq" -> cmp == 0;
                case "ne" -> cmp != 0;
                case "gt" -> cmp > 0;
                case "gte" -> cmp >= 0;
                case "lt" -> cmp < 0;
                case "lte" -> cmp <= 0;
                case "contains" -> l.contains(rr);
                case "not_contains" -> !l.contains(rr);
                case "starts_with" -> l.startsWith(rr);
                case "is_set" -> !left.isBlank();
                case "is_empty" -> left.isBlank();
                case "matches" -> {
                    try {
                        yield Pattern.compile(right).matcher(left).find();
                    } catch (PatternSyntaxException e) {
                        log.add(LogLine.warn(nodeId, "rule pattern is not a valid regular expression; treated as false"));
                        yield false;
                    }
                }
                default -> false;
            };
        }

        // ---- result ------------------------------------------------------------------------------------

        private Turn result() {
            if (!hasRun) return new Turn(null, false, actions, log);
            RunState old = in.run();
            RunState state = new RunState(scenarioId, version, status, node, vars, wait, List.of(), steps, startedAt,
                    old == null ? now : old.updatedAt());
            boolean changed = !state.equals(old);
            if (changed) state = new RunState(scenarioId, version, status, node, vars, wait, List.of(), steps, startedAt, now);
            return new Turn(state, changed, actions, log);
        }
    }
}
