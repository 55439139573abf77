package io.lintas.proxy.config;

import java.util.List;

/** The configuration cannot be used; the message names every bad key path and value. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    /** One exception listing all {@code problems} found in {@code source}. */
    public ConfigException(String source, List<String> problems) {
        super(source + ": " + String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Each problem, one line each, starting with its key path. */
    public List<String> problems() {
        return problems;
    }
}
