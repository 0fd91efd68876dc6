package dev.toygres.controlplane.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through the system chromedriver (never a downloaded one: both
 * paths are set, so Selenium Manager has nothing to find). {@link #close()} quits the browser and
 * ends any Chromium process this JVM started that is still alive.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM =
      Path.of(System.getProperty("toygres.chromium", "/usr/bin/chromium"));
  public static final Path CHROMEDRIVER =
      Path.of(System.getProperty("toygres.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ChromeDriver driver;
  private final Path profile;
  private final Path screenshots;

  private Browser(ChromeDriver driver, Path profile, Path screenshots) {
    this.driver = driver;
    this.profile = profile;
    this.screenshots = screenshots;
  }

  /**
   * Skips a test class ({@code @ExtendWith(Browser.Required.class)}) when no browser is installed,
   * with a message saying so; in CI ({@code CI=true}) it lets the class run, and {@link
   * #requireInstalled()} fails it instead.
   */
  public static final class Required implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String missing = missing();
      if (missing == null || inCi()) {
        return ConditionEvaluationResult.enabled("a browser is installed, or this is CI");
      }
      return ConditionEvaluationResult.disabled(
          missing + ": the web console's browser tests are skipped");
    }
  }

  /** Fails when no browser is installed (in CI, where the browser tests must run). */
  public static void requireInstalled() {
    String missing = missing();
    if (missing != null) {
      Assertions.fail(missing + (inCi() ? ": CI must run the web console's browser tests" : ""));
    }
  }

  private static boolean inCi() {
    return "true".equals(System.getenv("CI"));
  }

  private static String missing() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return null;
    }
    return "no browser here ("
        + CHROMIUM
        + " or "
        + CHROMEDRIVER
        + " is missing; install Debian's chromium and chromium-driver)";
  }

  /** Starts a fresh headless browser with its own profile; screenshots go to {@code shots}. */
  public static Browser start(Path shots) throws IOException {
    Files.createDirectories(shots);
    Path target = Path.of("target").toAbsolutePath();
    Path profile = Files.createTempDirectory(target, "chromium-profile-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File(target.toFile(), "chromedriver.log"))
            .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      return new Browser(driver, profile, shots);
    } catch (RuntimeException e) {
      service.stop();
      endLeftovers();
      deleteTree(profile);
      throw e;
    }
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Waits until the element is visible and returns it. */
  public WebElement visible(String css) {
    return waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  /** Waits until the element is visible and enabled, then clicks it. */
  public void click(String css) {
    waitFor(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
  }

  /** Replaces an input's text. */
  public void type(String css, String text) {
    WebElement e = visible(css);
    e.clear();
    e.sendKeys(text);
  }

  public String text(String css) {
    return visible(css).getText();
  }

  /** An attribute of the first element matching, or null if there is none. */
  public String attribute(String css, String name) {
    try {
      return driver.findElement(By.cssSelector(css)).getDomAttribute(name);
    } catch (NoSuchElementException | StaleElementReferenceException e) {
      return null;
    }
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public boolean isShown(String css) {
    try {
      return driver.findElement(By.cssSelector(css)).isDisplayed();
    } catch (NoSuchElementException | StaleElementReferenceException e) {
      return false;
    }
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** Waits up to {@code timeout} for a condition (a null or false result means not yet). */
  public <T> T until(Duration timeout, String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(200))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .withMessage(what)
        .until(condition);
  }

  private <T> T waitFor(Function<WebDriver, T> condition) {
    return until(WAIT, "waiting for the page", condition);
  }

  /**
   * Errors the pages logged since the last call, leaving out the browser's own lines for HTTP error
   * answers (the console shows those itself).
   */
  public List<String> scriptErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !m.contains("Failed to load resource"))
        .toList();
  }

  /** Saves a PNG of the window as {@code <name>.png} and returns its path. */
  public Path screenshot(String name) {
    Path file = screenshots.resolve(name + ".png");
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Like {@link #screenshot}, with the window stretched to the whole page for the shot. */
  public Path fullPageScreenshot(String name) {
    Dimension before = driver.manage().window().getSize();
    Number height = (Number) script("return document.documentElement.scrollHeight;");
    int h = Math.min(4000, Math.max(before.getHeight(), height.intValue() + 140));
    driver.manage().window().setSize(new Dimension(before.getWidth(), h));
    try {
      return screenshot(name);
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      endLeftovers();
      deleteTree(profile);
    }
  }

  /** Chromium or chromedriver processes this JVM started that outlived quit(), by pid. */
  private static void endLeftovers() {
    ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover profile under target/ does no harm
    }
  }
}
