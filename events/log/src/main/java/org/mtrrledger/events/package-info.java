/**
 * Events: the shared domain model ({@code model}), the Avro event schema and its codec, log parsers, the boot-log
 * generator and the Kafka clients.
 */
package org.mtrrledger.events;
