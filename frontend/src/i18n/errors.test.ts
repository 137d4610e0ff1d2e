import { afterEach, describe, expect, it } from "vitest";

import { ApiError } from "../api/client";
import { errorMessage } from "./errors";
import { i18n } from "./index";

describe("errorMessage", () => {
  afterEach(() => void i18n.changeLanguage("en"));

  it.each([
    [new ApiError("network", "Offline or server unreachable"), "Cannot reach the server. Check your connection."],
    [new ApiError("parse", "The server sent a response that is not JSON", 200), "The server had a problem. Please try again later."],
    [new ApiError("http", "502 Bad Gateway", 502), "The server had a problem. Please try again later."],
    [new ApiError("http", "Authentication credentials were not provided.", 401), "Please sign in first."],
    [new ApiError("http", "Not found.", 404), "Not found."],
    [new ApiError("http", "Request was throttled.", 429), "Too many attempts. Please wait a moment."],
    [new ApiError("http", "rating: Ensure this value is less than or equal to 5.", 400), "rating: Ensure this value is less than or equal to 5."],
    [new ApiError("http", " ", 400), "Please check the highlighted fields."],
    [new TypeError("x is undefined"), "Something went wrong."],
    ["a string", "Something went wrong."],
  ])("%o → %s", (error, expected) => {
    expect(errorMessage(error)).toBe(expected);
  });

  it("speaks the current language", () => {
    void i18n.changeLanguage("ko");
    expect(errorMessage(new ApiError("network", "Offline or server unreachable"))).toBe(
      "서버에 연결할 수 없습니다. 인터넷 연결을 확인해 주세요.",
    );
  });
});
