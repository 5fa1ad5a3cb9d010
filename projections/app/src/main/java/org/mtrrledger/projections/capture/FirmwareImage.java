package org.mtrrledger.projections.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The firmware a capture boots: Debian's OVMF or SeaBIOS image by name, or any image file.
 *
 * @param name    what the user asked for ({@code ovmf}, {@code seabios} or the file)
 * @param image   the image QEMU loads with {@code -bios}
 * @param debianPackage the package that provides it, or null for a user's file
 */
public record FirmwareImage(String name, Path image, String debianPackage) {

    /** Resolves {@code ovmf}, {@code seabios} or a file, failing with the package to install when it is missing. */
    public static FirmwareImage named(String nameOrFile) {
        return switch (nameOrFile.toLowerCase(Locale.ROOT)) {
            case "ovmf" -> installed("ovmf", Path.of("/usr/share/ovmf/OVMF.fd"), "ovmf");
            case "seabios" -> installed("seabios", Path.of("/usr/share/seabios/bios-256k.bin"), "seabios");
            default -> {
                Path file = Path.of(nameOrFile);
                if (!Files.isRegularFile(file)) {
                    throw new CaptureFailure("firmware " + nameOrFile + ": no such file (or name ovmf or seabios)");
                }
                yield new FirmwareImage(file.getFileName().toString(), file, null);
            }
        };
    }

    private static FirmwareImage installed(String name, Path image, String pkg) {
        if (!Files.isRegularFile(image)) {
            throw new CaptureFailure("firmware " + name + ": " + image + " is missing (install the Debian package "
                    + pkg + ": apt-get install " + pkg + ")");
        }
        return new FirmwareImage(name, image, pkg);
    }
}
