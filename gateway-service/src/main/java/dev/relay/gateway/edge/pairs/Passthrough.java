package dev.relay.gateway.edge.pairs;

import dev.relay.gateway.routing.ChannelRoute;
import dev.relay.gateway.translate.Translated;
import dev.relay.gateway.wire.UsageReader;

/** A same-protocol pair: the upstream's answer goes to the client as it is, with only the model renamed. */
abstract class Passthrough implements Translator {
    final ClientRequest r;
    final String upstreamModel;

    Passthrough(ClientRequest r, ChannelRoute ch) {
        this.r = r;
        this.upstreamModel = ch.upstreamModel(r.publicModel());
    }

    @Override
    public Translated response(byte[] upstreamBody) {
        return new Translated(
                Adapt.renameModel(upstreamBody, upstreamModel, r.publicModel()),
                UsageReader.fromBody(upstreamBody, 0, upstreamBody.length));
    }

    @Override
    public boolean ownsBody() {
        return false;
    }
}
