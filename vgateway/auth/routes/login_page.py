"""The sign-in page (served at /login; the UI sends signed-out users here)."""

LOGIN_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 视频监控接入网关</title>
<style>
  body { margin: 0; min-height: 100vh; display: grid; place-items: center;
         background: #0f1720; color: #e6edf3;
         font: 15px/1.5 system-ui, "Microsoft YaHei", sans-serif; }
  form { width: 300px; padding: 28px; background: #17212c;
         border: 1px solid #2b3948; border-radius: 8px; }
  h1 { font-size: 18px; margin: 0 0 18px; }
  label { display: block; margin: 12px 0 4px; color: #9fb1c2; }
  input { width: 100%; box-sizing: border-box; padding: 8px; border-radius: 4px;
          border: 1px solid #2b3948; background: #0f1720; color: inherit; font: inherit; }
  button { width: 100%; margin-top: 20px; padding: 9px; border: 0; border-radius: 4px;
           background: #2f81f7; color: #fff; font: inherit; cursor: pointer; }
  #error { min-height: 1.5em; margin-top: 12px; color: #ff7b72; }
</style>
</head>
<body>
<form id="login">
  <h1>视频监控接入网关 · 登录</h1>
  <label for="username">用户名 User</label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">密码 Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">登录 Sign in</button>
  <div id="error" role="alert"></div>
</form>
<script>
const form = document.getElementById("login");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  error.textContent = "";
  const response = await fetch("/api/auth/login", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: form.username.value, password: form.password.value}),
  });
  if (response.ok) {
    const next = new URLSearchParams(location.search).get("next") || "/";
    // only paths on this site: never an open redirect
    location.href = next.startsWith("/") && !next.startsWith("//") ? next : "/";
    return;
  }
  const body = await response.json().catch(() => ({}));
  error.textContent = response.status === 429 ? "尝试次数过多，请稍后再试 " + (body.detail || "")
                                              : "用户名或密码错误 " + (body.detail || "");
});
</script>
</body>
</html>
"""
