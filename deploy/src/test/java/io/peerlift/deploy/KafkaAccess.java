package io.peerlift.deploy;

import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Topic access as "topic OPERATION" grants: what a service's channels need (consuming needs Read and
 * Describe, producing Write and Describe, and a consumer with the dead-letter-queue strategy also produces
 * to its dead-letter topic) and what a KafkaUser's ACLs allow.
 */
final class KafkaAccess {

    private KafkaAccess() {
    }

    static Set<String> neededBy(ServiceModule module) {
        Set<String> grants = new TreeSet<>();
        for (ServiceModule.Channel channel : module.channels()) {
            if (!channel.isKafka()) {
                continue;
            }
            if (channel.incoming()) {
                grants.add(grant(channel.topic(), AclOperation.READ));
                grants.add(grant(channel.topic(), AclOperation.DESCRIBE));
                channel.deadLetterTopic().ifPresent(deadLetters -> {
                    grants.add(grant(deadLetters, AclOperation.WRITE));
                    grants.add(grant(deadLetters, AclOperation.DESCRIBE));
                });
            } else {
                grants.add(grant(channel.topic(), AclOperation.WRITE));
                grants.add(grant(channel.topic(), AclOperation.DESCRIBE));
            }
        }
        return grants;
    }

    static Set<String> topicGrants(List<AclRule> rules) {
        Set<String> grants = new TreeSet<>();
        for (AclRule rule : rules) {
            if (rule.getResource() instanceof AclRuleTopicResource topic) {
                String name = topic.getPatternType() == AclResourcePatternType.PREFIX ? topic.getName() + "*" : topic.getName();
                rule.getOperations().forEach(operation -> grants.add(grant(name, operation)));
            }
        }
        return grants;
    }

    static Set<String> topicsOf(Set<String> grants) {
        return grants.stream().map(grant -> grant.substring(0, grant.lastIndexOf(' '))).collect(Collectors.toSet());
    }

    /**
     * The consumer groups of the service's Kafka channels (see {@link #groupOf}); only the literal part before
     * any ${...} expression.
     */
    static Set<String> consumerGroupsOf(ServiceModule module) {
        return consumers(module).stream().map(channel -> groupOf(module, channel))
                .map(group -> isPerProcess(group) ? group.substring(0, group.indexOf("${")) : group)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The service's incoming Kafka channels. */
    static List<ServiceModule.Channel> consumers(ServiceModule module) {
        return module.channels().stream().filter(channel -> channel.incoming() && channel.isKafka()).toList();
    }

    /** The channel's group.id, else the global kafka.group.id, else the application name (Quarkus' default). */
    static String groupOf(ServiceModule module, ServiceModule.Channel channel) {
        return channel.attributes().getOrDefault("group.id",
                module.property("kafka.group.id").orElseGet(module::applicationName));
    }

    /** A group id with an expression (such as ${quarkus.uuid}) differs per process: each reads every partition. */
    static boolean isPerProcess(String group) {
        return group.contains("${");
    }

    private static String grant(String topic, AclOperation operation) {
        return topic + " " + operation;
    }
}
