package dev.tgdesk.emulators.telegram;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * What Telegram keeps of a photo a user sends: the picture re-encoded as JPEG in several sizes, by the longest side
 * (90, 320, 800, 1280 pixels — only those smaller than the picture — then the picture itself, at most 1280), smallest
 * first. Transparent pixels become white, as in Telegram's JPEGs.
 */
final class PhotoSizes {

    private static final int[] LIMITS = {90, 320, 800};
    private static final int LARGEST = 1280;

    record Size(int width, int height, byte[] jpeg) {
    }

    private PhotoSizes() {
    }

    static List<Size> of(byte[] picture) {
        BufferedImage source;
        try {
            source = picture == null || picture.length == 0 ? null : ImageIO.read(new ByteArrayInputStream(picture));
        } catch (IOException e) {
            source = null;
        }
        if (source == null) {
            throw new IllegalArgumentException("not a picture Telegram can process (PNG, JPEG, GIF or BMP); send it as a document");
        }
        int longest = Math.max(source.getWidth(), source.getHeight());
        List<Size> sizes = new ArrayList<>();
        for (int limit : LIMITS) {
            if (longest > limit) {
                sizes.add(scaled(source, limit));
            }
        }
        sizes.add(scaled(source, Math.min(longest, LARGEST)));
        return sizes;
    }

    private static Size scaled(BufferedImage source, int longestSide) {
        double factor = (double) longestSide / Math.max(source.getWidth(), source.getHeight());
        int width = Math.max(1, (int) Math.round(source.getWidth() * factor));
        int height = Math.max(1, (int) Math.round(source.getHeight() * factor));
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(target, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Size(width, height, out.toByteArray());
    }
}
