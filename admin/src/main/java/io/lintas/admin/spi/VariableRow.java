package io.lintas.admin.spi;

import java.util.Objects;

/** One row of {@code global_variables}: a named runtime setting such as {@code mysql-monitor_interval_ms}. */
public record VariableRow(String name, String value) {
    /** Both parts are required (ProxySQL's columns are NOT NULL). */
    public VariableRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
