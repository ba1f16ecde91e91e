package health.clinicalops.rollbackorchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a visitor sees on /status in a real browser: Debian's headless Chromium driven by Selenium
 * through Debian's chromedriver (nothing is downloaded: both paths are given explicitly, so
 * Selenium Manager never runs). Screenshots are kept in {@code target/status-page-screenshots}.
 * Missing Chromium fails the test (it is a prerequisite, like PostgreSQL's client programs).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
@WithTestResource(value = SmtpTestResource.class, scope = TestResourceScope.GLOBAL)
class StatusPageBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "status-page-screenshots");

  static ChromeDriver browser;

  @TestHTTPResource("/status")
  URL statusPage;

  @BeforeAll
  static void startBrowser() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "the status-page browser test needs Debian's Chromium: apt-get install chromium"
              + " chromium-driver (missing "
              + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM)
              + ")");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        // The CI machine has no network: without these Chromium keeps trying Google's hosts.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,1000",
        "--lang=en-GB");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
      browser = null;
    }
  }

  @BeforeEach
  void cleanSlate() {
    StatusFixtures.cleanSlate();
  }

  @Test
  void aVisitorSeesTheP1WhileItLastsAndTheHistoryAfterwards() throws IOException {
    String id = StatusFixtures.openWithSecrets("authentication-abuse", "P1");
    StatusFixtures.publicUpdate(
        id, "identified", "Some people cannot sign in. Signed-in sessions keep working.");

    browser.manage().window().setSize(new Dimension(1280, 1000));
    browser.get(statusPage.toString());
    assertEquals("en", browser.findElement(By.tagName("html")).getAttribute("lang"));
    assertEquals(
        "width=device-width, initial-scale=1",
        browser.findElement(By.cssSelector("meta[name=viewport]")).getAttribute("content"));
    assertTrue(
        browser
            .findElement(By.cssSelector("meta[http-equiv=refresh]"))
            .getAttribute("content")
            .matches("\\d+"),
        "refreshes itself without JavaScript");
    assertEquals(1, browser.findElements(By.tagName("h1")).size());
    assertEquals(1, browser.findElements(By.tagName("main")).size());
    assertEquals("Service status", browser.findElement(By.tagName("h1")).getText());
    assertEquals("Partial outage", browser.findElement(By.id("overall-heading")).getText());
    assertEquals(
        "Partial outage",
        browser.findElement(By.cssSelector("#component-sign-in .state")).getText());
    assertEquals(
        "Operational", browser.findElement(By.cssSelector("#component-audit .state")).getText());
    WebElement incident = browser.findElement(By.id("incident-" + id));
    assertTrue(incident.getText().contains("Service disruption: Sign-in"), incident.getText());
    assertTrue(incident.getText().contains("Identified"), incident.getText());
    assertTrue(
        incident
            .getText()
            .contains("Some people cannot sign in. Signed-in sessions keep working."));
    assertTrue(incident.getText().contains("We are investigating an issue affecting"));
    assertNoEvidence();
    // The subscribe form is there and labelled.
    WebElement email = browser.findElement(By.id("email"));
    assertEquals("email", email.getAttribute("type"));
    assertEquals(1, browser.findElements(By.cssSelector("label[for=email]")).size());
    assertTrue(
        browser.findElement(By.id("subscribe")).getText().contains("longer than 15 minutes"));
    screenshot("1-during-p1.png");

    browser.manage().window().setSize(new Dimension(390, 844));
    browser.navigate().refresh();
    assertTrue(browser.findElement(By.id("incident-" + id)).isDisplayed());
    Number scrollWidth =
        (Number) browser.executeScript("return document.documentElement.scrollWidth");
    assertTrue(scrollWidth.intValue() <= 390, "no sideways scrolling on a phone: " + scrollWidth);
    screenshot("2-during-p1-phone.png");

    StatusFixtures.resolve(id, "Sign-in works again for everyone. Thank you for your patience.");
    browser.manage().window().setSize(new Dimension(1280, 1000));
    browser.navigate().refresh();
    assertEquals(
        "All systems operational", browser.findElement(By.id("overall-heading")).getText());
    assertEquals(
        "Operational", browser.findElement(By.cssSelector("#component-sign-in .state")).getText());
    assertEquals(
        "No active incidents.", browser.findElement(By.id("no-active-incidents")).getText());
    WebElement past = browser.findElement(By.cssSelector("#history #incident-" + id));
    assertTrue(past.getText().contains("Resolved"), past.getText());
    assertTrue(
        past.getText().contains("Sign-in works again for everyone. Thank you for your patience."));
    assertNoEvidence();
    screenshot("3-after-resolution.png");

    // Subscribing works without JavaScript: a plain form post.
    browser.findElement(By.id("email")).sendKeys("visitor@example.org");
    WebElement formPageHeading = browser.findElement(By.tagName("h1"));
    browser.findElement(By.cssSelector("#subscribe button[type=submit]")).click();
    // A click does not wait for the navigation it starts: wait for the next page to replace this.
    WebDriverWait navigation = new WebDriverWait(browser, Duration.ofSeconds(15));
    navigation.until(ExpectedConditions.stalenessOf(formPageHeading));
    navigation.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
    assertEquals("Check your inbox", browser.findElement(By.tagName("h1")).getText());
    screenshot("4-subscribed.png");
  }

  private static void assertNoEvidence() {
    String html = browser.getPageSource();
    for (String secret : List.of(StatusFixtures.SECRET_IP, StatusFixtures.SECRET_USER)) {
      assertFalse(html.contains(secret), "the page shows " + secret);
    }
  }

  private static void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
