package io.peerlift.profile.service;

import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.profile.domain.ConsistencyCheck;
import io.peerlift.profile.domain.ConsistencyCheck.Candidate;
import io.peerlift.profile.domain.Device;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The consistency of a folder for a peer upgrade: its devices, and the OS 12 devices of their subnets that sit
 * elsewhere in the folder tree (discovery finds peers by subnet, not by folder). Two queries, whatever the fleet's
 * size: the folder tree's devices, and the other devices of their subnets.
 */
@ApplicationScoped
public class ConsistencyService {

    private final FolderService folders;

    ConsistencyService(FolderService folders) {
        this.folders = folders;
    }

    @Transactional
    public ConsistencyCheck.Result check(long folderId) {
        folders.get(folderId);
        Set<Long> tree = folders.tree().subtree(folderId);
        List<Device> inFolder = Device.list("folderId in ?1", tree);
        List<Device> subnetPeers = Device.<Device>list("folderId not in ?1 and subnet in "
                        + "(select inTree.subnet from Device inTree where inTree.folderId in ?1)", tree).stream()
                .filter(d -> d.osFamily() == OsFamily.OS12)
                .toList();
        List<Device> all = new ArrayList<>(inFolder);
        all.addAll(subnetPeers);
        ConfigurationSnapshot snapshot = ConfigurationSnapshot.load(all);
        List<Candidate> candidates = new ArrayList<>();
        inFolder.forEach(d -> candidates.add(new Candidate(snapshot.resolve(d), d.subnet, true,
                d.osFamily() == OsFamily.OS11 ? snapshot.resolveAt(d, OsVersion.MIN_OS12_TARGET) : null)));
        subnetPeers.forEach(d -> candidates.add(new Candidate(snapshot.resolve(d), d.subnet, false, null)));
        return ConsistencyCheck.check(candidates);
    }
}
