package io.peerlift.rollout.rest;

/** An RFC 9457 problem detail, served as {@code application/problem+json}. */
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
