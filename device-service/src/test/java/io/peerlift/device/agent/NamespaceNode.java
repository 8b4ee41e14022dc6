package io.peerlift.device.agent;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A device in its own process, started by {@link NamespaceBroadcastTest} inside a network namespace. It prints every
 * event as {@code EVENT <json>} on stdout.
 * <pre>
 * peer      &lt;id&gt; &lt;ip&gt; &lt;cidr&gt; &lt;discoveryPort&gt; &lt;dataDir&gt; &lt;packageFile&gt;   serve until killed
 * requester &lt;id&gt; &lt;ip&gt; &lt;cidr&gt; &lt;discoveryPort&gt; &lt;dataDir&gt; &lt;packageFile&gt;   upgrade from a peer, then exit
 * </pre>
 */
public final class NamespaceNode {

    static final String READY = "READY";
    static final String EVENT = "EVENT ";

    private NamespaceNode() {
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        String id = args[1];
        String ip = args[2];
        Subnet subnet = Subnet.parse(args[3]);
        int discoveryPort = Integer.parseInt(args[4]);
        Path dataDir = Path.of(args[5]);
        Path packageFile = Path.of(args[6]);
        CountDownLatch finished = new CountDownLatch(1);
        TestRig rig = new TestRig(dataDir, discoveryPort, java.util.Map.of()).onEvent(event -> {
            System.out.println(EVENT + EventCodec.encode(event));
            if (event instanceof DeviceEvent.UpgradeCompleted || event instanceof DeviceEvent.DownloadFailed) {
                finished.countDown();
            }
        });
        int host = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1)) - Integer.parseInt(
                subnet.networkAddress().substring(subnet.networkAddress().lastIndexOf('.') + 1));
        if ("peer".equals(role)) {
            rig.peer(id, subnet, host, packageFile);
            System.out.println(READY);
            Thread.sleep(Long.MAX_VALUE);
        }
        Device device = rig.device(id, subnet, host, TestRig.OS11, false);
        device.start();
        device.accept(TestRig.upgrade(device, TestRig.manifestOf(packageFile), SourcePolicy.PEER_ONLY,
                "http://127.0.0.1:9/unused"));
        boolean done = finished.await(60, TimeUnit.SECONDS);
        rig.close();
        System.exit(done ? 0 : 2);
    }
}
