package dev.relay.gateway.wire;

/** The client's request is malformed; answered with 400 and never sent upstream. */
public class BadRequestException extends RuntimeException {
    private final String param;

    public BadRequestException(String message, String param) {
        super(message);
        this.param = param;
    }

    public String param() {
        return param;
    }
}
