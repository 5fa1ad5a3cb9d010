/** Engine: the pure fold into per-vCPU and per-VM MTRR state, the RocksDB store and the consumer loop. */
package org.mtrrledger.engine;
