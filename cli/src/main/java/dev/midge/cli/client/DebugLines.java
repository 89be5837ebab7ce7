package dev.midge.cli.client;

import dev.midge.client.PacketObserver;
import dev.midge.codec.packet.Connack;
import dev.midge.codec.packet.Disconnect;
import dev.midge.codec.packet.MqttPacket;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.PublishAck;
import dev.midge.codec.packet.Subscribe;
import dev.midge.codec.packet.Subscription;
import dev.midge.codec.packet.Unsubscribe;
import java.io.PrintStream;

/**
 * mosquitto's {@code -d} lines, word for word (libmosquitto's send_*.c / handle_*.c log calls):
 * {@code Client <id> sending PUBLISH (d0, q1, r0, m1, 'topic', ... (5 bytes))} and so on. The id is
 * "(null)" until the broker assigns one, as mosquitto prints it.
 */
public final class DebugLines implements PacketObserver {
    private final PrintStream out;
    private volatile String clientId;
    /**
     * libmosquitto numbers every message it sends, QoS 0 included (that one never goes on the wire);
     * this follows the last id sent so a QoS 0 PUBLISH line shows the number mosquitto would.
     */
    private int lastMid;

    public DebugLines(PrintStream out, String clientId) {
        this.out = out;
        this.clientId = clientId == null || clientId.isEmpty() ? "(null)" : clientId;
    }

    public String clientId() {
        return clientId;
    }

    @Override
    public void sent(MqttPacket packet) {
        String line = switch (packet.type()) {
            case CONNECT -> "sending CONNECT";
            case PUBLISH -> "sending PUBLISH " + publish(numbered((Publish) packet));
            case PUBACK -> "sending PUBACK (m" + id(packet) + ", rc" + ((PublishAck) packet).reasonCode() + ")";
            case PUBREC -> "sending PUBREC (m" + id(packet) + ", rc" + ((PublishAck) packet).reasonCode() + ")";
            case PUBREL -> "sending PUBREL (m" + id(packet) + ")";
            case PUBCOMP -> "sending PUBCOMP (m" + id(packet) + ")";
            case SUBSCRIBE -> {
                lastMid = ((Subscribe) packet).packetId();
                yield subscribe((Subscribe) packet);
            }
            case UNSUBSCRIBE -> {
                lastMid = ((Unsubscribe) packet).packetId();
                yield unsubscribe((Unsubscribe) packet);
            }
            case PINGREQ -> "sending PINGREQ";
            case DISCONNECT -> "sending DISCONNECT";
            case AUTH -> "sending AUTH";
            default -> "sending " + packet.type();
        };
        print(line);
    }

    @Override
    public void received(MqttPacket packet) {
        String line = switch (packet.type()) {
            case CONNACK -> {
                Connack c = (Connack) packet;
                String assigned = c.properties().string(Property.ASSIGNED_CLIENT_IDENTIFIER);
                if (assigned != null) {
                    clientId = assigned;
                }
                yield "received CONNACK (" + c.reasonCode() + ")";
            }
            case PUBLISH -> "received PUBLISH " + publish((Publish) packet);
            case PUBACK -> "received PUBACK (Mid: " + id(packet) + ", RC:" + ((PublishAck) packet).reasonCode() + ")";
            case PUBREC -> "received PUBREC (Mid: " + id(packet) + ")";
            case PUBREL -> "received PUBREL (Mid: " + id(packet) + ")";
            case PUBCOMP -> "received PUBCOMP (Mid: " + id(packet) + ", RC:" + ((PublishAck) packet).reasonCode() + ")";
            case SUBACK -> "received SUBACK";
            case UNSUBACK -> "received UNSUBACK";
            case PINGRESP -> "received PINGRESP";
            case DISCONNECT -> "received DISCONNECT (" + ((Disconnect) packet).reasonCode() + ")";
            case AUTH -> "received AUTH";
            default -> "received " + packet.type();
        };
        print(line);
    }

    private Publish numbered(Publish p) {
        if (p.qos().value() > 0) {
            lastMid = p.packetId();
            return p;
        }
        lastMid = lastMid == 0xFFFF ? 1 : lastMid + 1;
        return new Publish(p.topic(), p.payload(), p.qos(), p.retain(), p.dup(), lastMid, p.properties());
    }

    private static int id(MqttPacket p) {
        return ((PublishAck) p).packetId();
    }

    private static String publish(Publish p) {
        return "(d" + (p.dup() ? 1 : 0) + ", q" + p.qos().value() + ", r" + (p.retain() ? 1 : 0) + ", m" + p.packetId()
                + ", '" + p.topic() + "', ... (" + p.payload().length + " bytes))";
    }

    private String subscribe(Subscribe s) {
        StringBuilder b = new StringBuilder();
        for (Subscription sub : s.subscriptions()) {
            if (b.length() > 0) {
                b.append('\n').append("Client ").append(clientId).append(' ');
            }
            int options = (sub.noLocal() ? 0x04 : 0) | (sub.retainAsPublished() ? 0x08 : 0) | sub.retainHandling() << 4;
            b.append("sending SUBSCRIBE (Mid: ").append(s.packetId()).append(", Topic: ").append(sub.filter())
                    .append(", QoS: ").append(sub.qos().value()).append(", Options: 0x")
                    .append(String.format("%02x", options)).append(')');
        }
        return b.toString();
    }

    private String unsubscribe(Unsubscribe u) {
        StringBuilder b = new StringBuilder();
        for (String f : u.filters()) {
            if (b.length() > 0) {
                b.append('\n').append("Client ").append(clientId).append(' ');
            }
            b.append("sending UNSUBSCRIBE (Mid: ").append(u.packetId()).append(", Topic: ").append(f).append(')');
        }
        return b.toString();
    }

    private void print(String line) {
        synchronized (out) {
            out.println("Client " + clientId + " " + line);
            out.flush();
        }
    }
}
