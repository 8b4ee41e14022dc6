package io.peerlift.demo;

import io.peerlift.localstack.FleetCa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's HTTPS peers: a fleet CA of its own (standing in for the CA that enrols devices) and one lab certificate
 * for the fleet simulator, whose subject alternative names are every simulated device's address (127.10.s.(n+1),
 * the fleet's layout). The simulator serves all its devices from one process and one 0.0.0.0 socket, so one
 * certificate naming every address is what it can honestly present: a downloader still checks that the certificate
 * chains to the fleet CA and names the very address it connected to.
 */
final class DemoFleetTls {

    private DemoFleetTls() {
    }

    /** Issues the CA and the lab certificate into {@code dir}; returns the fleet's {@code peerlift.device.tls.*}. */
    static Map<String, String> issue(Path dir, FleetParameters params) throws IOException {
        FleetCa ca = FleetCa.create("Peerlift demo fleet CA");
        Path caFile = ca.writeCertificate(Files.createDirectories(dir).resolve("fleet-ca.pem"));
        List<String> addresses = new ArrayList<>();
        for (int s = 1; s <= params.subnets(); s++) {
            for (int n = 1; n <= params.devicesPerSubnet(); n++) {
                addresses.add("127.10." + s + "." + (n + 1));
            }
        }
        FleetCa.Issued lab = ca.issue("fleet-lab", addresses, dir);
        return Map.of("peerlift.device.tls.cert-file", lab.certFile().toString(),
                "peerlift.device.tls.key-file", lab.keyFile().toString(),
                "peerlift.device.tls.fleet-ca-file", caFile.toString());
    }
}
