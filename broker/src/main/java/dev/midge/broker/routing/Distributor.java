package dev.midge.broker.routing;

import dev.midge.broker.acl.ClientAccess;
import dev.midge.broker.retain.RetainedMessages;
import dev.midge.broker.session.LastWill;
import dev.midge.broker.session.Message;
import dev.midge.broker.session.Session;
import dev.midge.broker.store.Store;
import dev.midge.codec.packet.Properties;
import dev.midge.codec.packet.Property;
import dev.midge.codec.packet.Publish;
import dev.midge.codec.packet.Will;
import dev.midge.codec.topic.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every message enters the broker's routing, whatever its source: client publishes, wills
 * and $SYS. Retains it when flagged, then routes it.
 */
public final class Distributor {
    private static final Logger LOG = LoggerFactory.getLogger(Distributor.class);
    private final RetainedMessages retained;
    private final Router router;
    private final Store store;

    public Distributor(RetainedMessages retained, Router router, Store store) {
        this.retained = retained;
        this.router = router;
        this.store = store;
    }

    /**
     * Retains (when flagged) and routes a PUBLISH whose topic is resolved; returns the number of
     * sessions it was handed to. {@code origin} is the publisher's client id (null for the broker).
     */
    public int distribute(Topic topic, Publish publish, String origin) {
        Message message = Message.of(store.nextMessageId(), publish, origin);
        if (message.retain()) {
            // [MQTT-3.3.1-5] store it as the topic's retained message (an empty payload clears it)
            retained.retain(topic, message);
            if (publish.payload().length == 0) {
                store.removeRetained(topic.name());
            } else {
                store.putRetained(topic.name(), message);
            }
        }
        return router.route(topic, message);
    }

    /**
     * Publishes a will message with its properties [MQTT-3.1.2-8] [MQTT-3.1.3-10], when the
     * client may still publish to its topic (the ACL may have changed since CONNECT).
     */
    public void publishWill(LastWill will, Session session) {
        publishWill(will, session.clientId(), session.access());
    }

    /**
     * The same for a client whose session is gone (a will read back after a restart). The will's
     * messages and the removal of its store record are one unit: after a crash it has gone out
     * exactly once or not yet.
     */
    public void publishWill(LastWill lastWill, String clientId, ClientAccess access) {
        Will will = lastWill.will();
        store.atomically(() -> {
            Topic topic = Topic.of(will.topic());
            if (access.canPublish(topic)) {
                Properties props = will.properties().toBuilder().remove(Property.WILL_DELAY_INTERVAL).build();
                distribute(topic, new Publish(will.topic(), will.payload(), will.qos(), will.retain(), false, 0, props),
                        clientId);
            } else {
                LOG.info("Will of client {} to {} not published: the ACL denies the client write access.",
                        clientId, will.topic());
            }
            store.removeWill(clientId, lastWill.storeId());
        });
    }
}
