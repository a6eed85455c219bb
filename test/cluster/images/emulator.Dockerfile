# The Gemini emulator as an in-cluster Service: Gemini API on 8070, its control API (recorded requests, scripts) on
# 8071. Context: package.json, package-lock.json and dist/test/emulator of a built tree.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY dist/test/emulator ./dist/test/emulator
USER 10001:10001
EXPOSE 8070 8071
CMD ["node", "dist/test/emulator/emulator-service.js"]
