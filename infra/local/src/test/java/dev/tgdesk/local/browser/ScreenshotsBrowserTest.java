package dev.tgdesk.local.browser;

import dev.tgdesk.local.LocalRuntime;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's screenshots, 1400×900: {@code TGDESK_SCREENSHOTS=1 infra/test.sh -pl infra/local -am
 * -Dtest=ScreenshotsBrowserTest -Dsurefire.failIfNoSpecifiedTests=false} rewrites {@code docs/screenshots/}
 * (login, inbox, dialog, admin, simulator). Skipped otherwise, so ordinary runs never touch docs/.
 */
class ScreenshotsBrowserTest extends BrowserTestBase {

    static final String ENV = "TGDESK_SCREENSHOTS";

    @Test
    void theMainScreens() throws Exception {
        assumeTrue("1".equals(System.getenv(ENV)), ENV + "=1 writes docs/screenshots/*.png");
        Path dir = repoRoot().resolve("docs").resolve("screenshots");
        api.call("POST", "/api/teams", admin, Map.of("name", "Support"), 201);
        api.call("POST", "/api/teams", admin, Map.of("name", "Sales"), 201);

        inbox.open();
        inbox.awaitLoginForm();
        shot(inbox.tab(), dir, "login.png");

        // clients write from the simulated Telegram
        SimulatorPage sim = new SimulatorPage(operator.newTab("simulator"), simulatorUrl()).open();
        long chen = sim.createUser("Chen Wei", "chenwei", "en");
        sim.send("Is the store open on Sunday?");
        long boris = sim.createUser("Борис Иванов", "boris_iv", "ru");
        sim.send("Здравствуйте! Где мой заказ?");
        long ann = sim.createUser("Ann Lee", "annlee", "en");
        sim.send("Hi! My order #1042 has not arrived yet.");

        inbox.signIn(LocalRuntime.DEFAULT_ADMIN_EMAIL, LocalRuntime.DEFAULT_ADMIN_PASSWORD);
        for (long chat : new long[] {chen, boris, ann}) inbox.awaitRow(chat, Duration.ofSeconds(15));
        shot(inbox.tab(), dir, "inbox.png");

        inbox.openDialog(ann);
        inbox.takeOver();
        inbox.reply("Hello Ann, I'm checking order #1042 right now.");
        sim.awaitMessage("bot", "Hello Ann, I'm checking order #1042 right now.");
        sim.send("Thank you!");
        inbox.awaitEntry("Thank you!", "in");
        inbox.note("Courier delayed, promised a call back today.");
        shot(inbox.tab(), dir, "dialog.png");
        shot(sim.tab(), dir, "simulator.png");

        inbox.tab().click("nav-admin");
        inbox.tab().$("admin-operators");
        shot(inbox.tab(), dir, "admin.png");
    }

    private static void shot(Tab tab, Path dir, String name) throws Exception {
        try {
            tab.until("nothing still loading", Duration.ofSeconds(5), () -> !tab.bodyText().contains("Loading…"));
        } catch (org.openqa.selenium.TimeoutException stillLoading) {
            // a picture anyway
        }
        Thread.sleep(300); // let transitions and fonts settle
        BufferedImage png = ImageIO.read(tab.screenshot(dir.resolve(name)).toFile());
        assertEquals(Browser.WIDTH, png.getWidth(), name);
        assertEquals(Browser.HEIGHT, png.getHeight(), name);
    }
}
