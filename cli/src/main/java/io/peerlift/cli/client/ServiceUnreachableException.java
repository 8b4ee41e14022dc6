package io.peerlift.cli.client;

/** A service could not be reached at all: nothing listening, a timeout, a connection cut mid-answer. */
public final class ServiceUnreachableException extends RuntimeException {

    public ServiceUnreachableException(String service, String url, Throwable cause) {
        super(service + " is unreachable at " + url + " (" + reason(cause) + "); is it running? Its URL can be "
                + "set with --" + service.replace("-service", "") + "-url or PEERLIFT_"
                + service.replace("-service", "").toUpperCase(java.util.Locale.ROOT) + "_URL", cause);
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
