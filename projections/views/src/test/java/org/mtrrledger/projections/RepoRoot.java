package org.mtrrledger.projections;

import java.nio.file.Path;

/** The checkout the tests run in: samples/, docker/ and bin/ are found from here, whatever a module's depth. */
public final class RepoRoot {
    private RepoRoot() {
    }

    /** {@code mtrr.repo.root} (set by surefire to Maven's multi-module project directory) resolved with the parts. */
    public static Path resolve(String first, String... more) {
        String root = System.getProperty("mtrr.repo.root");
        if (root == null) {
            throw new IllegalStateException("mtrr.repo.root is not set (run the tests through Maven)");
        }
        return Path.of(root, first).resolve(Path.of("", more)).toAbsolutePath().normalize();
    }
}
