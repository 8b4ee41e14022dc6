package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;
import io.peerlift.events.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FolderTreeTest {

    private static Map<String, Object> folder(long id, String name, Long parentId) {
        Map<String, Object> folder = new HashMap<>();
        folder.put("id", id);
        folder.put("name", name);
        folder.put("parentId", parentId);
        return folder;
    }

    private final JsonNode folders = EventCodec.mapper().valueToTree(List.of(
            folder(1, "Devices", null), folder(2, "Distributed Peer Upgrade", 1L), folder(3, "Berlin", 2L),
            folder(4, "Amsterdam", 2L), folder(5, "Lab", 1L)));
    private final FolderTree tree = new FolderTree(folders);

    @Test
    void foldersAreNamedByIdOrByTheirPathFromTheRoot() {
        assertThat(tree.resolve("3")).isEqualTo(3);
        assertThat(tree.resolve("/Distributed Peer Upgrade/Berlin")).isEqualTo(3);
        assertThat(tree.resolve("distributed peer upgrade/berlin/")).isEqualTo(3);
        assertThat(tree.resolve("Devices/Lab")).isEqualTo(5);
        assertThat(tree.resolve("/")).isEqualTo(1);
        assertThat(tree.pathOf(3)).isEqualTo("/Distributed Peer Upgrade/Berlin");
        assertThat(tree.pathOf(1)).isEqualTo("/");
    }

    @Test
    void anUnknownFolderIsNotFoundNamingTheMissingPart() {
        assertThatThrownBy(() -> tree.resolve("/Distributed Peer Upgrade/Paris/North"))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("there is no folder /Distributed Peer Upgrade/Paris ")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThatThrownBy(() -> tree.resolve("99")).hasMessage("there is no folder 99");
    }

    @Test
    void theTreeIsDrawnWithSortedChildrenAndSubtreesAreComplete() {
        assertThat(tree.draw(1, Map.of(3L, 7))).containsExactly(
                "Devices (1, 0 devices)",
                "├── Distributed Peer Upgrade (2, 0 devices)",
                "│   ├── Amsterdam (4, 0 devices)",
                "│   └── Berlin (3, 7 devices)",
                "└── Lab (5, 0 devices)");
        assertThat(tree.subtree(2)).containsExactlyInAnyOrder(2L, 3L, 4L);
        JsonNode nested = tree.nested(2, null, EventCodec.mapper());
        assertThat(Arrays.asList(nested.path("children").get(1).path("name").asText(), nested.path("children").size()))
                .containsExactly("Berlin", 2);
    }
}
