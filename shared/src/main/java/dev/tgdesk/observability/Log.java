package dev.tgdesk.observability;

import java.io.PrintStream;

/**
 * One JSON object per line on stderr (the functions' log groups use Lambda's JSON log format, which keeps such lines as
 * they are). What may be logged: ids (dialog, SQS message, stream sequence), counts, error kinds, exception class
 * names and the code location that threw. Never message texts, names, usernames, chat titles, tokens, secrets or
 * exception messages — a message can quote the input (a driver's, a parser's) — so {@link #error} writes the
 * exception's class and the first frames of our own code, not its message.
 */
public final class Log {

    private static final int FRAMES = 3;

    private Log() {
    }

    public static void info(String message, Object... fields) {
        System.err.println(line("INFO", message, null, fields));
    }

    public static void warn(String message, Object... fields) {
        System.err.println(line("WARN", message, null, fields));
    }

    public static void error(String message, Throwable e, Object... fields) {
        System.err.println(line("ERROR", message, e, fields));
    }

    public static void write(PrintStream out, String level, String message, Throwable e, Object... fields) {
        out.println(line(level, message, e, fields));
    }

    /**
     * @param message a constant text (it is escaped, but must not carry user data)
     * @param fields  name, value pairs; values are numbers, booleans or strings (escaped)
     */
    public static String line(String level, String message, Throwable e, Object... fields) {
        StringBuilder b = new StringBuilder(96).append("{\"level\":\"").append(level).append("\",\"message\":");
        quote(b, message);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            b.append(',');
            quote(b, String.valueOf(fields[i]));
            b.append(':');
            Object v = fields[i + 1];
            if (v instanceof Number || v instanceof Boolean) b.append(v);
            else if (v == null) b.append("null");
            else quote(b, v.toString());
        }
        if (e != null) {
            b.append(",\"error\":");
            quote(b, e.getClass().getSimpleName());
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root != e) {
                b.append(",\"cause\":");
                quote(b, root.getClass().getSimpleName());
            }
            b.append(",\"at\":[");
            int n = 0;
            for (StackTraceElement f : e.getStackTrace()) {
                if (!f.getClassName().startsWith("dev.tgdesk.")) continue;
                if (n > 0) b.append(',');
                String cls = f.getClassName();
                quote(b, cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber());
                if (++n == FRAMES) break;
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
