package io.peerlift.profile.rest;

import io.peerlift.profile.domain.SettingsSchema;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Arrays;
import java.util.List;

@RolesAllowed(Roles.VIEWER)
@Path("/api/settings")
@Tag(name = "Settings")
public class SettingResource {

    @GET
    @Operation(summary = "List the settings keys per OS family",
            description = "Types, ranges, defaults, and whether each key is IGEL's registry key or Peerlift's own "
                    + "('peerlift.' prefix, for settings IGEL documents only on a setup page)")
    public List<SettingView> list() {
        return Arrays.stream(SettingsSchema.values())
                .flatMap(schema -> schema.settings().stream().map(setting -> SettingView.of(schema, setting)))
                .toList();
    }
}
