package io.peerlift.support.problem;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;

import java.util.List;

/**
 * Documents on every API operation the errors {@link ProblemMappers} returns, as one {@code default} response
 * with the RFC 9457 problem schema (annotating each operation would hide its generated success response).
 */
@OpenApiFilter
public class ProblemResponsesFilter implements OASFilter {

    private static final String PROBLEM_SCHEMA = "Problem";

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() != null && operation.getResponses().getDefaultValue() == null) {
            operation.getResponses().setDefaultValue(OASFactory.createAPIResponse()
                    .description("An error as RFC 9457 problem detail: 400 invalid input (errors lists each "
                            + "violation), 401 no valid bearer token, 403 the token lacks the role, 404 unknown "
                            + "resource, 409 conflict with the current state, 413 body over 1 MiB, 414 request "
                            + "line over 4 KiB")
                    .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                            OASFactory.createMediaType().schema(OASFactory.createSchema()
                                    .ref("#/components/schemas/" + PROBLEM_SCHEMA)))));
        }
        return operation;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema(PROBLEM_SCHEMA, OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem detail (" + Problem.MEDIA_TYPE + ")")
                .addProperty("type", string("urn:peerlift:problem:invalid-input"))
                .addProperty("title", string("Invalid input"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER))
                        .examples(List.of(400)))
                .addProperty("detail", string("folder name is required"))
                .addProperty("instance", string("/api/folders"))
                .addProperty("errors", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .items(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                        .description("each violation of a rejected input (400 only)")));
    }

    private static Schema string(String example) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).examples(List.of(example));
    }
}
