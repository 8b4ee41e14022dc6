package io.peerlift.profile.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.peerlift.events.OsFamily;
import io.peerlift.profile.domain.SettingsSchema;
import io.peerlift.profile.domain.SettingsSchema.Setting;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "Setting", description = "A settings key a profile or a device's own configuration may set")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettingView(
        @Schema(example = "OS12") OsFamily osFamily,
        @Schema(example = "update.buddy_server.limit_of_connections") String key,
        @Schema(enumeration = {"boolean", "integer"}, example = "integer") String type,
        @Schema(example = "1") Object defaultValue,
        @Schema(description = "integers only", example = "1") Long minimum,
        @Schema(description = "integers only", example = "2147483647") Long maximum,
        @Schema(description = "IGEL: the key is IGEL's registry key; PEERLIFT: Peerlift's own key (it starts with "
                + "'peerlift.'), for a setting IGEL documents without a registry key",
                enumeration = {"IGEL", "PEERLIFT"}, example = "IGEL") String keyOrigin,
        @Schema(description = "where IGEL documents the setting: the registry, or the setup page and label",
                example = "registry key, in IGEL's Distributed Peer Update Server Configuration in IGEL OS 12")
        String igel) {

    static SettingView of(SettingsSchema schema, Setting setting) {
        boolean integer = setting.type() == Integer.class;
        return new SettingView(schema.family(), setting.key(), integer ? "integer" : "boolean",
                setting.defaultValue(), integer ? setting.min() : null, integer ? setting.max() : null,
                setting.igelKey() ? "IGEL" : "PEERLIFT", setting.igelName());
    }
}
