import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.*;

/**
 * Prints the public methods (inherited ones too) of the classes a template
 * meets, one per line: `[static ]return name(params)`, types erased, `java.lang.`
 * left out. Run by scripts/jdk-surface.sh.
 */
public class JdkSurface {
    static String type(Class<?> c) {
        return c.getTypeName().replaceFirst("^java\\.lang\\.(?=[A-Z])", "");
    }

    public static void main(String[] args) throws Exception {
        for (String name : args) {
            Class<?> c = Class.forName(name);
            TreeSet<String> lines = new TreeSet<>();
            for (Method m : c.getMethods()) {
                if (m.isBridge() || m.isSynthetic()) continue;
                StringBuilder b = new StringBuilder();
                if (Modifier.isStatic(m.getModifiers())) b.append("static ");
                b.append(type(m.getReturnType())).append(' ').append(m.getName()).append('(');
                Class<?>[] ps = m.getParameterTypes();
                for (int i = 0; i < ps.length; i++) {
                    if (i > 0) b.append(", ");
                    b.append(type(ps[i]));
                }
                b.append(')');
                lines.add(b.toString());
            }
            System.out.println("# " + c.getName() + " (" + System.getProperty("java.vendor") + " "
                + System.getProperty("java.version") + ")");
            for (String l : lines) System.out.println(l);
        }
    }
}
