package io.peerlift.device.peer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollChannelOption;
import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;

import java.nio.file.Path;

/**
 * Sends a file range with sendfile under TCP_CORK, as nginx's {@code tcp_nopush} does: while the socket is corked the
 * kernel sends full segments only, so the response head travels with the file's first bytes and none of the
 * sendfile calls (Vert.x makes one per MiB) ends in a short segment pushed on its own. Without it one stream over
 * loopback costs about a fifth more CPU per byte, nginx's own figure with {@code tcp_nopush off}. The cork is pulled
 * as soon as the range is written, which sends its tail at once: a cork left on would hold the last bytes of every
 * response on a kept-alive connection for 200 ms.
 * <p>
 * TCP_CORK needs Netty's epoll transport ({@code quarkus.vertx.prefer-native-transport}); on NIO the file is sent
 * uncorked. Vert.x's {@code HttpServerOptions.setTcpCork} would cork every connection for good, so the channel is
 * reached through Vert.x's connection implementation instead.
 */
final class CorkedSendfile {

    private CorkedSendfile() {
    }

    /** Completes once the range is written, as {@link HttpServerResponse#sendFile(String, long, long)}. */
    static Future<Void> send(HttpConnection connection, HttpServerResponse response, Path file, long start, long length) {
        Channel channel = connection instanceof ConnectionBase base ? base.channel() : null;
        boolean corked = channel != null && cork(channel, true);
        Future<Void> sent = response.sendFile(file.toString(), start, length);
        return corked ? sent.andThen(outcome -> cork(channel, false)) : sent;
    }

    /** Sets TCP_CORK; false when the transport has no such option or the connection is already closed. */
    private static boolean cork(Channel channel, boolean on) {
        try {
            return channel.isOpen() && channel.config().setOption(EpollChannelOption.TCP_CORK, on);
        } catch (ChannelException closed) {
            return false;
        }
    }
}
