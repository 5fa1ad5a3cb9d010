/**
 * The engine's RocksDB store. {@link org.mtrrledger.engine.store.LedgerStore} (class javadoc) and
 * {@link org.mtrrledger.engine.store.Column} (one javadoc per column family) are the storage design
 * document: what is stored, key layouts and ordering, retention, durability and memory.
 */
package org.mtrrledger.engine.store;
