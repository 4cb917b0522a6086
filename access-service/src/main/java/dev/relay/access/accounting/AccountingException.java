package dev.relay.access.accounting;

/** A request accounting refuses: the operator API turns it into a problem with this {@code code}. */
public class AccountingException extends RuntimeException {

    /** How the operator API answers it. */
    public enum Kind {
        INVALID,
        NOT_FOUND,
        CONFLICT
    }

    private final Kind kind;
    private final String code;

    public AccountingException(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static AccountingException consumerNotFound(Object id) {
        return new AccountingException(Kind.NOT_FOUND, "consumer_not_found", "no consumer " + id);
    }
}
