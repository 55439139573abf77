package io.lintas.admin.spi;

import java.util.List;

/**
 * A whole configuration as table rows: what {@code runtime_*} tables show, what {@code LOAD … TO RUNTIME} hands
 * the runtime, and what the disk file holds. Immutable; the {@code with…} methods replace one module.
 */
public record RuntimeConfigRows(List<ServerRow> servers, List<GaleraHostgroupRow> galeraHostgroups,
                                List<UserRow> users, List<QueryRuleRow> queryRules, List<VariableRow> variables) {
    /** Copies every list so that callers cannot change a configuration after handing it over. */
    public RuntimeConfigRows {
        servers = List.copyOf(servers);
        galeraHostgroups = List.copyOf(galeraHostgroups);
        users = List.copyOf(users);
        queryRules = List.copyOf(queryRules);
        variables = List.copyOf(variables);
    }

    /** An empty configuration. */
    public static RuntimeConfigRows empty() {
        return new RuntimeConfigRows(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** This configuration with servers and Galera hostgroups (the MYSQL SERVERS module) replaced. */
    public RuntimeConfigRows withServers(List<ServerRow> newServers, List<GaleraHostgroupRow> newGalera) {
        return new RuntimeConfigRows(newServers, newGalera, users, queryRules, variables);
    }

    /** This configuration with users replaced. */
    public RuntimeConfigRows withUsers(List<UserRow> newUsers) {
        return new RuntimeConfigRows(servers, galeraHostgroups, newUsers, queryRules, variables);
    }

    /** This configuration with query rules replaced. */
    public RuntimeConfigRows withQueryRules(List<QueryRuleRow> newRules) {
        return new RuntimeConfigRows(servers, galeraHostgroups, users, newRules, variables);
    }

    /** This configuration with global variables replaced. */
    public RuntimeConfigRows withVariables(List<VariableRow> newVariables) {
        return new RuntimeConfigRows(servers, galeraHostgroups, users, queryRules, newVariables);
    }

    @Override
    public String toString() {
        return "RuntimeConfigRows{servers=" + servers.size() + ", galeraHostgroups=" + galeraHostgroups.size()
            + ", users=" + users.size() + ", queryRules=" + queryRules.size() + ", variables=" + variables.size() + "}";
    }
}
