package io.peerlift.profile.domain;

import io.peerlift.events.MaintenanceWindow;
import io.peerlift.support.problem.ConflictException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of a folder move, and what a folder inherits, on Devices(1) > a(2) > b(3) > c(4) and Devices > x(5).
 */
class FolderTreeTest {

    private final List<Folder> folders = new ArrayList<>(List.of(folder(1, null, "Devices"), folder(2, 1L, "a"),
            folder(3, 2L, "b"), folder(4, 3L, "c"), folder(5, 1L, "x")));

    @Test
    void theNearestWindowAndTheNearestZoneAreInheritedAndTheWindowIsReadInTheFoldersZone() {
        folders.get(1).timeZone = "Europe/Berlin";
        folders.get(1).windowSchedule = "0 0 22 ? * MON-FRI";
        folders.get(1).windowDuration = "04:00:00";
        folders.get(2).timeZone = "America/New_York";
        folders.get(3).windowSchedule = "0 0 2 * * ?";
        folders.get(3).windowDuration = "01:00:00";
        FolderTree tree = new FolderTree(folders);

        assertThat(tree.maintenanceWindow(2))
                .contains(MaintenanceWindow.parse("0 0 22 ? * MON-FRI", "04:00:00", "Europe/Berlin"));
        assertThat(tree.maintenanceWindow(3)).as("a's window, in b's own zone")
                .contains(MaintenanceWindow.parse("0 0 22 ? * MON-FRI", "04:00:00", "America/New_York"));
        assertThat(tree.maintenanceWindow(4)).as("c's own window, in the zone it inherits from b")
                .contains(MaintenanceWindow.parse("0 0 2 * * ?", "01:00:00", "America/New_York"));
        assertThat(tree.timeZone(5)).isEmpty();
        assertThat(tree.maintenanceWindow(5)).isEmpty();
    }

    @Test
    void aFolderMovesAnywhereOutsideItsOwnTree() {
        FolderTree tree = new FolderTree(folders);
        assertThatCode(() -> tree.requireMovable(3, 5)).doesNotThrowAnyException();
        assertThatCode(() -> tree.requireMovable(5, 4)).doesNotThrowAnyException();
        assertThatCode(() -> tree.requireMovable(4, 1)).doesNotThrowAnyException();
    }

    @Test
    void refusesTheRootItselfAndItsOwnSubFolders() {
        FolderTree tree = new FolderTree(folders);
        assertThatThrownBy(() -> tree.requireMovable(1, 5)).hasMessage("the root folder 1 'Devices' cannot be moved");
        assertThatThrownBy(() -> tree.requireMovable(2, 2)).hasMessage("folder 2 'a' cannot move into itself");
        assertThatThrownBy(() -> tree.requireMovable(2, 4)).isInstanceOf(ConflictException.class)
                .hasMessage("folder 2 'a' cannot move into folder 4 'c', which is inside it (Devices / a / b / c)");
    }

    @Test
    void countsTheLevelsOfTheWholeMovedTree() {
        long parent = 5;
        for (long id = 10; id < 10 + FolderTree.MAX_DEPTH - 4; id++) {
            folders.add(folder(id, parent, "level"));
            parent = id;
        }
        FolderTree tree = new FolderTree(folders);
        long deepest = parent;
        // deepest is at level MAX - 2; a > b > c is three levels: under deepest's parent it reaches MAX exactly.
        assertThatCode(() -> tree.requireMovable(2, tree.path(deepest).get(tree.path(deepest).size() - 2)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> tree.requireMovable(2, deepest)).hasMessageContaining("at level 33");
        assertThatCode(() -> tree.requireMovable(4, deepest)).doesNotThrowAnyException();
        assertThatCode(() -> tree.requireRoomBelow(deepest)).doesNotThrowAnyException();
    }

    private static Folder folder(long id, Long parentId, String name) {
        Folder folder = new Folder();
        folder.id = id;
        folder.parentId = parentId;
        folder.name = name;
        return folder;
    }
}
