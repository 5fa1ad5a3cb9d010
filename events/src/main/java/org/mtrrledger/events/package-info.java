/** Events: the Avro event model, its codec, log parsers, the boot-log generator and the Kafka publisher. */
package org.mtrrledger.events;
