/**
 * The Kafka a single machine needs: an in-process single-node KRaft broker started from Kafka's own server jars,
 * whose log persists in the data directory ({@link org.mtrrledger.broker.EmbeddedBroker}), and the rule for
 * finding which broker to talk to ({@link org.mtrrledger.broker.BrokerLocator}). Kept apart from the event library
 * so that only the application (and tests) carry the server jars and Scala.
 */
package org.mtrrledger.broker;
