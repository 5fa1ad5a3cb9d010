/** Projections: memtype snapshots, zap policies, hazards, audit queries, the CLI and the HTTP API. */
package org.mtrrledger.projections;
