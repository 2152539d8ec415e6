# Image for the api, worker and cli hosts (docker-compose.yml runs it with different commands).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Mount point of the keyring volume (docker-compose.yml), writable by the app user.
RUN mkdir -p /keyring && chown node:node /keyring
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
