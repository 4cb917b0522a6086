package dev.relay.gateway.admin;

/** Carries an {@link AdminError} out of a handler to {@link AdminErrorHandler}. */
public class AdminException extends RuntimeException {

    private final AdminError error;

    public AdminException(AdminError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public AdminError error() {
        return error;
    }
}
