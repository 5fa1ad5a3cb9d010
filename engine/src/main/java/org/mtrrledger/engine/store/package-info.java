/**
 * The engine's RocksDB store. {@link org.mtrrledger.engine.store.LedgerStore} (class javadoc),
 * {@link org.mtrrledger.engine.store.Column} (one javadoc per engine column family; a projection declares its own,
 * {@link org.mtrrledger.engine.store.OutputSpec}) and the typed tables are the storage design document: what is
 * stored, key layouts and ordering, retention and durability;
 * {@link org.mtrrledger.engine.store.RocksHandle} documents how the database is opened, its memory budget and
 * tuning, and who owns its native objects.
 */
package org.mtrrledger.engine.store;
