// Images in people's text and in assistant answers. Only this site's own
// images load; any other address is shown as a plain link, so showing a
// message never calls another host (a tracking pixel in a chat message, or an
// answer steered into putting project data in an image URL). The test is the
// browser's own URL parser, so tabs, backslashes and "//host" tricks resolve
// here exactly as an <img> would resolve them. The page's Content-Security-
// Policy (img-src) refuses other hosts too; this keeps the text readable.
import React from "react";

export function isLocalImage(src) {
  if (typeof src !== "string" || src === "") return false;
  try {
    const url = new URL(src, window.location.href);
    return url.origin === window.location.origin && /^https?:$/.test(url.protocol);
  } catch (e) {
    return false;
  }
}

export function SafeImage({ node, src, alt, title, children, ...rest }) {
  if (isLocalImage(src)) {
    return <img src={src} alt={alt || ""} title={title} loading="lazy" />;
  }
  return (
    <a href={src} target="_blank" rel="noopener noreferrer nofollow" className="md-image-link" title={title}>
      {alt ? `${alt} (image: ${src})` : src}
    </a>
  );
}
