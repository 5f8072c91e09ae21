package offsite;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A data format made and started the first time it is used. The secret archive's OpenPGP format loads and
 * registers Bouncy Castle when it starts, about 0.2 s of every start-up, though most runs (a sync, a restore)
 * never encrypt anything.
 */
final class DataFormatOnFirstUse extends ServiceSupport implements DataFormat {

    private final Supplier<DataFormat> make;
    private volatile DataFormat made;

    DataFormatOnFirstUse(Supplier<DataFormat> make) {
        this.make = make;
    }

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) throws Exception {
        made(exchange).marshal(exchange, graph, stream);
    }

    @Override
    public Object unmarshal(Exchange exchange, InputStream stream) throws Exception {
        return made(exchange).unmarshal(exchange, stream);
    }

    private synchronized DataFormat made(Exchange exchange) {
        if (made == null) {
            DataFormat format = make.get();
            CamelContextAware.trySetCamelContext(format, exchange.getContext());
            ServiceHelper.startService(format);
            made = format;
        }
        return made;
    }

    @Override
    protected void doStop() {
        ServiceHelper.stopService(made);
    }
}
