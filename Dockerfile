# nlets-sim: one image for the hub and the simulated state servers.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY simulator ./simulator
COPY bench ./bench
COPY test ./test
COPY console ./console
RUN npx tsc -p tsconfig.json && npx tsc -p console/tsconfig.json && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY policies ./policies
COPY simulator/calibration ./simulator/calibration
# The training console (off in production unless NSIM_CONSOLE=on) and its generator's scenario.
COPY console/public ./console/public
COPY simulator/scenarios ./simulator/scenarios
RUN mkdir -p /var/lib/nlets-sim && chown node:node /var/lib/nlets-sim
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/nlets-sim.js"]
CMD ["serve"]
