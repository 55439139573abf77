package io.lintas.proxy.session;

import io.lintas.proxy.config.UserAccount;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The users clients may log in as, looked up by name. Immutable; replaced whole on reconfiguration. */
public final class UserDirectory {
    private final Map<String, UserAccount> byName;

    /** A directory of {@code users}. */
    public UserDirectory(List<UserAccount> users) {
        this.byName = users.stream().collect(Collectors.toUnmodifiableMap(UserAccount::username, Function.identity()));
    }

    /** The account named {@code username}, or null. */
    public UserAccount find(String username) {
        return byName.get(username);
    }
}
