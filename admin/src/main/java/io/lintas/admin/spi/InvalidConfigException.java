package io.lintas.admin.spi;

/** The runtime refused a configuration; the message is shown to the admin client as is. */
public class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A refusal with a message for the operator (say which row and column is wrong). */
    public InvalidConfigException(String message) {
        super(message);
    }

    /** A refusal caused by another failure (e.g. the config file cannot be parsed). */
    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
