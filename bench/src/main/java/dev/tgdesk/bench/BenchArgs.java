package dev.tgdesk.bench;

import java.util.HashMap;
import java.util.Map;

/** The benchmarks' {@code name=value} arguments. */
final class BenchArgs {

    private BenchArgs() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return values;
    }
}
